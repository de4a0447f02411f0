import type { Metadata } from 'next';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'Set up' };

/** The one-time link the web app logs at its first start (no user yet, no VZFERRY_ADMIN_EMAIL). */
export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <div className="mx-auto mt-24 max-w-sm px-4">
      <p className="text-2xl font-semibold">Set up vzferry</p>
      <p className="mb-6 text-sm text-slate-500">Make the first admin. This link works once.</p>
      <SetupForm token={token ?? ''} />
    </div>
  );
}
