'use client';
// Shown while there are no containers: that the demo (or an import) is still
// filling the inventory, or what to do next. Looks again while work is under way.
import { useQuery } from '@tanstack/react-query';
import type { InventoryState } from '@/api/overview';
import { fetchJson } from '@/lib/fetch-json';
import { emptyInventory } from '@/lib/inventory-empty-state';

export function InventoryNotice({ initial }: { initial: InventoryState }) {
  const state = useQuery({
    queryKey: ['inventory-state'],
    queryFn: () => fetchJson<InventoryState>('/api/overview/inventory'),
    initialData: initial,
    refetchInterval: (q) =>
      q.state.data && q.state.data.containers === 0 && emptyInventory(q.state.data).busy ? 2_000 : false,
  });
  if (state.data.containers > 0) return null;
  const { message, busy } = emptyInventory(state.data);
  return (
    <p
      role="status"
      className={`mb-6 rounded-md border p-3 text-sm ${busy ? 'border-sky-200 bg-sky-50 text-sky-900' : 'border-slate-200 bg-white text-slate-700'}`}
    >
      {message}
    </p>
  );
}
