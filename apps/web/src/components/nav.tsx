'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import type { Access } from '@/api/access';
import type { doneSchema } from '@/api/auth';
import { fetchJson } from '@/lib/fetch-json';
import type { z } from 'zod';
import { useCan, useViewer } from './viewer';

const ITEMS: { href: string; label: string; access: Access }[] = [
  { href: '/', label: 'Overview', access: 'read' },
  { href: '/containers', label: 'Containers', access: 'read' },
  { href: '/batches', label: 'Batches', access: 'read' },
  { href: '/failures', label: 'Failures', access: 'read' },
  { href: '/hosts', label: 'Source hosts', access: 'read' },
  { href: '/customers', label: 'Customers', access: 'read' },
  { href: '/report', label: 'Report', access: 'report' },
  { href: '/settings', label: 'Settings', access: 'administer' },
  { href: '/users', label: 'Users', access: 'administer' },
  { href: '/audit', label: 'Audit log', access: 'audit' },
];

export function Nav() {
  return (
    <nav aria-label="Main" className="flex flex-col gap-1">
      {ITEMS.map((item) => (
        <NavItem key={item.href} {...item} />
      ))}
      <SignedInAs />
    </nav>
  );
}

function NavItem({ href, label, access }: { href: string; label: string; access: Access }) {
  const path = usePathname();
  if (!useCan(access)) return null;
  const active = path === href || path.startsWith(`${href}/`);
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      className={`rounded-md px-3 py-2 text-sm font-medium ${active ? 'bg-slate-800 text-white' : 'text-slate-300 hover:bg-slate-800/60 hover:text-white'}`}
    >
      {label}
    </Link>
  );
}

function SignedInAs() {
  const v = useViewer();
  const router = useRouter();
  const signOut = async () => {
    await fetchJson<z.output<typeof doneSchema>>('/api/auth/sign-out', { method: 'POST' });
    router.replace('/sign-in');
    router.refresh();
  };
  return (
    <div className="mt-6 border-t border-slate-700 px-3 pt-4 text-xs text-slate-400">
      <p className="truncate text-sm text-slate-200" data-testid="signed-in-as">
        {v.name}
      </p>
      <p>{v.role}</p>
      <div className="mt-2 flex gap-3">
        <Link href="/account" className="hover:text-white">
          Account
        </Link>
        <button type="button" onClick={() => void signOut()} className="hover:text-white">
          Sign out
        </button>
      </div>
    </div>
  );
}
