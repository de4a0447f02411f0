/** Pages anyone may open (everything else needs a signed-in user). */
export const PUBLIC_PAGES = ['/sign-in', '/setup'];

export function isPublicPage(path: string): boolean {
  return PUBLIC_PAGES.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Where to go after signing in: a path of this site only. "//host" and
 * "/\host" are other sites to a browser (it reads a backslash as a slash).
 */
export function safeNextPath(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  // a tab or a newline inside the path is dropped by the browser: "/\t/host" would be "//host"
  return [...next].some((c) => c.charCodeAt(0) < 0x20) ? '/' : next;
}
