import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { Sidebar } from '@/components/sidebar';
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
          <div className="flex min-h-screen flex-col md:flex-row">
            <Sidebar />
            <main className="min-w-0 flex-1 px-4 py-4 md:px-8 md:py-6">
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
