// What an empty containers list (or landing page) says: while the demo or an
// engineer's import is still filling the inventory, that it is coming, and
// otherwise what to do next.
import type { InventoryState } from '@/api/overview';

export interface EmptyInventory {
  message: string;
  /** something is under way: the page should look again soon */
  busy: boolean;
}

const names = (hosts: InventoryState['hosts']) => hosts.map((h) => h.name).join(', ');

export function emptyInventory(state: InventoryState): EmptyInventory {
  const { hosts } = state;
  if (hosts.length === 0)
    return { message: 'No containers yet: add a source host and import its inventory.', busy: false };
  if (hosts.some((h) => h.imported)) {
    return { message: 'No containers: the last imports found none on the source hosts.', busy: false };
  }
  const importing = hosts.filter((h) => h.lastImport?.status === 'queued' || h.lastImport?.status === 'running');
  if (importing.some((h) => h.lastImport?.requestedBy === 'seed')) {
    return { message: "No containers yet: the demo is importing them from the lab's hypervisors…", busy: true };
  }
  if (importing.length > 0)
    return { message: `No containers yet: importing them from ${names(importing)}…`, busy: true };
  const failed = hosts.filter((h) => h.lastImport?.status === 'failed');
  if (failed.length > 0) {
    return {
      message: `No containers yet: the import from ${names(failed)} failed. The Source hosts page says why.`,
      busy: false,
    };
  }
  const pending = hosts.filter((h) => h.hostKeyState === 'pending');
  if (pending.length > 0) {
    return {
      message: `No containers yet: check and accept the SSH host key of ${names(pending)} on the Source hosts page, then import its containers.`,
      busy: false,
    };
  }
  const unknown = hosts.filter((h) => h.hostKeyState === 'unknown');
  if (unknown.length > 0) {
    return { message: `No containers yet: reading the SSH host key of ${names(unknown)}…`, busy: true };
  }
  return {
    message: `No containers yet: import the containers of ${names(hosts)} on the Source hosts page.`,
    busy: false,
  };
}
