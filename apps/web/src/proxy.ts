// Before a page renders: a browser without a session cookie goes to the
// sign-in page (with where it wanted to go). This is only the quick check;
// the layout asks the database whether the session is valid, and every API
// route checks the signed-in user's role itself. It also tells the layout
// which path is shown (x-vzferry-path).
import { NextResponse, type NextRequest } from 'next/server';
import { isPublicPage } from '@/lib/public-pages';

const SESSION_COOKIES = ['vzferry.session_token', '__Secure-vzferry.session_token'];

export function proxy(req: NextRequest): NextResponse {
  const { pathname, search } = req.nextUrl;
  if (!isPublicPage(pathname) && !SESSION_COOKIES.some((c) => req.cookies.has(c))) {
    const url = req.nextUrl.clone();
    url.pathname = '/sign-in';
    url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  const headers = new Headers(req.headers);
  headers.set('x-vzferry-path', pathname);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // pages only: the API answers 401 itself, and Next's own files need no session
  matcher: ['/((?!api/|_next/|favicon.ico).*)'],
};
