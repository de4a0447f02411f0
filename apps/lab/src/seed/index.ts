// Seeding a vzferry install with this lab, for the demo (npm start) and the
// tests that run the real worker: the lab's hypervisors added with the keys
// the lab says it made, their containers imported, the customer CSV, the
// CloudStack connection and mappings from the lab's CloudStack.
export { seedFromLab, type SeedDeps } from './seed-from-lab';
export { labMappings, osTypeFor } from './seed-mappings';
export { DEMO_USERS, seedDemoUsers } from './demo-users';
