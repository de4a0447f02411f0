// What the stack tells the journeys: facts picked from the seeded database,
// so the tests search for data that is really there.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface StackFacts {
  baseURL: string;
  sample: { ctid: number; hostname: string; ip: string; customer: string; ostemplate: string; hostName: string };
  containers: number;
  /** a container the lab migrates through all 16 stages in seconds */
  migratable: { ctid: number; hostname: string };
  /** another one, for the batch planner's journey */
  plannable: { ctid: number; hostname: string };
  /** a grub-legacy guest (CentOS 5/6): preflight fails it, since the stack's box has no boot ISO */
  legacy: { ctid: number; hostname: string };
  /** a quick container whose window opens in 12 hours: the staged journey's */
  staged: { ctid: number; hostname: string };
  /** the boot ISO as built, and where the box's BOOT_ISO looks for it (empty until the staged journey copies it) */
  bootIso: { built: string; box: string };
  /** the lab CloudStack's admin endpoints (fault injection) */
  labAdminUrl: string;
  /** to prove it never reaches the browser */
  cloudstackSecret: string;
  hosts: { name: string; fingerprint: string }[];
  /** the demo's users, one per role (apps/lab demo-users.ts) */
  users: { role: 'admin' | 'engineer' | 'support' | 'manager'; email: string; name: string; password: string }[];
}

export function stackFacts(): StackFacts {
  const text =
    process.env.E2E_STACK ??
    readFileSync(path.resolve(import.meta.dirname, '../../test-results/e2e-stack.json'), 'utf8');
  return JSON.parse(text) as StackFacts;
}
