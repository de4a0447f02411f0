// Who may do what. A user has one role; every API route and page declares
// the access it needs, and the server checks the signed-in user's role
// against this table (the UI only hides what the server would refuse).
//
//   admin     users, settings, CloudStack, mappings, pipeline limits, hosts and keys (and all the rest)
//   engineer  imports, batches, runs: start, pause, retry, cancel; reads everything
//   support   reads containers, customers, runs; writes notes; nothing else
//   manager   reads everything, reports, exports, the audit log; changes nothing
export const ROLES = ['admin', 'engineer', 'support', 'manager'] as const;
export type Role = (typeof ROLES)[number];

export const ACCESS = {
  /** read containers, customers, batches, runs, hosts */
  read: ['admin', 'engineer', 'support', 'manager'],
  /** write notes on a container or customer */
  notes: ['admin', 'engineer', 'support'],
  /** imports, batches and runs: create, start, pause, retry, cancel */
  operate: ['admin', 'engineer'],
  /** reports and exports */
  report: ['admin', 'engineer', 'manager'],
  /** the audit log */
  audit: ['admin', 'manager'],
  /** users, settings, CloudStack, mappings, pipeline limits, source hosts and their keys */
  administer: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Access = keyof typeof ACCESS;

export function allows(role: Role, access: Access): boolean {
  return (ACCESS[access] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who did something, as the audit log records it: a signed-in user, or a process ("seed", "worker:conv-1"). */
export interface Actor {
  /** the user's id; null or absent for a process */
  userId?: string | null;
  name: string;
  role?: Role | null;
  /** where the request came from */
  ip?: string | null;
}
