// A page that only some roles may see checks it on the server: the API would
// refuse its data anyway, but the page should say why instead of failing.
import { allows, type Access } from '@vzferry/core';
import type { Db } from '@vzferry/db';
import { redirect } from 'next/navigation';
import { server } from './context';
import { viewer, type Viewer } from './viewer';

export async function pageViewer(access: Access): Promise<{ viewer: Viewer; allowed: boolean }> {
  const v = await viewer();
  if (!v) redirect('/sign-in');
  return { viewer: v, allowed: allows(v.role, access) };
}

/**
 * The database for a page that reads it on the server, only for a signed-in
 * user whose role may read: Next renders a page alongside its layout, so the
 * layout's redirect alone does not keep the page from querying.
 */
export async function readingDb(): Promise<Db> {
  const { allowed } = await pageViewer('read');
  if (!allowed) redirect('/sign-in');
  return server().db;
}
