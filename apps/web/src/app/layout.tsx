import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Sidebar } from '@/components/sidebar';
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
        <div className="flex min-h-screen flex-col md:flex-row">
          <Sidebar />
          <main className="min-w-0 flex-1 px-4 py-4 md:px-8 md:py-6">
            <ViewerProvider viewer={{ name: v.name, email: v.email, role: v.role }}>
              <Providers>{children}</Providers>
            </ViewerProvider>
          </main>
        </div>
      </body>
    </html>
  );
}
