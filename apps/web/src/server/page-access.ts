// A page that only some roles may see checks it on the server: the API would
// refuse its data anyway, but the page should say why instead of failing.
import { allows, type Access } from '@vzferry/core';
import { redirect } from 'next/navigation';
import { viewer, type Viewer } from './viewer';

export async function pageViewer(access: Access): Promise<{ viewer: Viewer; allowed: boolean }> {
  const v = await viewer();
  if (!v) redirect('/sign-in');
  return { viewer: v, allowed: allows(v.role, access) };
}
