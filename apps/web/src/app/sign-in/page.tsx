import type { Metadata } from 'next';
import { safeNextPath } from '@/lib/public-pages';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const target = safeNextPath(next);
  return (
    <div className="mx-auto mt-24 max-w-sm px-4">
      <p className="text-2xl font-semibold">vzferry</p>
      <p className="mb-6 text-sm text-slate-500">OpenVZ → CloudStack migration</p>
      <SignInForm next={target} />
    </div>
  );
}
