// Who may do what (packages/core access.ts), for the browser: pages hide a
// control the viewer's role may not use; the server refuses it anyway.
export { ACCESS, allows, isRole, ROLES, type Access, type Role } from '@vzferry/core/access';
