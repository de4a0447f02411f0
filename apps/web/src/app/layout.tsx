import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav';
import { ViewerProvider } from '@/components/viewer';
import { isPublicPage } from '@/lib/public-pages';
import { viewer } from '@/server/viewer';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'vzferry', template: '%s · vzferry' },
  description: 'OpenVZ to CloudStack migration control panel',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const v = await viewer();
  if (!v) return <SignedOut>{children}</SignedOut>;
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <ViewerProvider viewer={{ name: v.name, email: v.email, role: v.role }}>
          <div className="flex min-h-screen">
            <aside className="w-56 shrink-0 bg-slate-900 px-3 py-5 text-white">
              <div className="mb-6 px-3">
                <p className="text-lg font-semibold">vzferry</p>
                <p className="text-xs text-slate-400">OpenVZ → CloudStack</p>
              </div>
              <Nav />
            </aside>
            <main className="min-w-0 flex-1 px-8 py-6">
              <Providers>{children}</Providers>
            </main>
          </div>
        </ViewerProvider>
      </body>
    </html>
  );
}

/** No valid session: only the sign-in and setup pages render; anything else goes to sign-in (an expired cookie passes the proxy). */
async function SignedOut({ children }: { children: ReactNode }) {
  const path = (await headers()).get('x-vzferry-path') ?? '/';
  if (!isPublicPage(path)) redirect(path === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(path)}`);
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
