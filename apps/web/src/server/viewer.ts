// Who is asking: the signed-in user of the request, for route handlers (the
// actor of what they change, checked against the route's access) and for
// pages (what to show). Null when nobody is signed in.
import { currentUser } from '@vzferry/db';
import { headers } from 'next/headers';
import { cache } from 'react';
import type { Actor as AuditActor, Role } from '@vzferry/core';
import { authOptions } from './auth';
import { server } from './context';

export interface Viewer {
  userId: string;
  name: string;
  email: string;
  role: Role;
}

/** The viewer and where the request came from: what the audit log records. */
export interface Actor extends Viewer, AuditActor {
  userId: string;
  role: Role;
  ip: string | null;
}

/** The signed-in user of the current page request (server components), or null; asked once per request. */
export const viewer = cache(async (): Promise<Viewer | null> => viewerOf(await headers()));

export async function viewerOf(h: Headers): Promise<Viewer | null> {
  // no session cookie, no session: the database is not asked
  if (!h.get('cookie')?.includes('session_token=')) return null;
  const user = await currentUser(server().db, authOptions(), h);
  return user && { userId: user.id, name: user.name, email: user.email, role: user.role };
}

/** The signed-in user of an API request with their address, or null. */
export async function actorOf(req: Request): Promise<Actor | null> {
  const v = await viewerOf(req.headers);
  return v && { ...v, ip: clientIp(req) };
}

/**
 * The client's address. Behind the TLS proxy (docs/operating.md) it is the
 * last X-Forwarded-For entry, the one the proxy itself added: a proxy that
 * appends keeps whatever the client wrote in front of it, and an address the
 * client chooses would dodge the sign-in limit per address. The web app
 * listens on loopback by default, so nobody else reaches it to set the header.
 */
export function clientIp(req: Request): string | null {
  const forwarded = req.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
  return forwarded || req.headers.get('x-real-ip') || null;
}
