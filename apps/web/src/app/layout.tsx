import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Nav } from '@/components/nav';
import { SearchBox } from '@/components/search-box';
import { ViewerProvider } from '@/components/viewer';
import { viewer } from '@/server/viewer';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'vzferry', template: '%s · vzferry' },
  description: 'OpenVZ to CloudStack migration control panel',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const v = await viewer();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <div className="flex min-h-screen">
          <aside className="w-56 shrink-0 bg-slate-900 px-3 py-5 text-white">
            <div className="mb-6 px-3">
              <p className="text-lg font-semibold">vzferry</p>
              <p className="text-xs text-slate-400">OpenVZ → CloudStack</p>
            </div>
            <SearchBox />
            <Nav />
          </aside>
          <main className="min-w-0 flex-1 px-8 py-6">
            <ViewerProvider viewer={{ name: v.name, email: v.email, role: v.role }}>
              <Providers>{children}</Providers>
            </ViewerProvider>
          </main>
        </div>
      </body>
    </html>
  );
}
