import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ContainersTable } from './containers-table';

export const metadata: Metadata = { title: 'Containers' };

export default function ContainersPage() {
  return (
    <Suspense>
      <ContainersTable />
    </Suspense>
  );
}
