// Who is asking: the signed-in user of the request, for route handlers (as
// the actor of what they change) and for pages (what to show). Until sign-in
// lands this is the web app itself, acting as an admin.
import type { Actor as AuditActor, Role } from '@vzferry/core';

export interface Viewer {
  /** null for the web app itself (no user signed in) */
  userId: string | null;
  name: string;
  email: string | null;
  role: Role;
}

/** The viewer and where the request came from: what the audit log records. */
export interface Actor extends Viewer, AuditActor {
  userId: string | null;
  role: Role;
  ip: string | null;
}

const WEB_APP: Viewer = { userId: null, name: 'web', email: null, role: 'admin' };

/** The viewer of the current request (pages, server components). */
export async function viewer(): Promise<Viewer> {
  return WEB_APP;
}

/** The actor of an API request. */
export async function actorOf(req: Request): Promise<Actor> {
  return { ...WEB_APP, ip: clientIp(req) };
}

/** The client's address as the TLS proxy in front reports it, else unknown. */
function clientIp(req: Request): string | null {
  return req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || req.headers.get('x-real-ip') || null;
}
