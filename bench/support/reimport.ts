// Imports the hosts' inventories again through the worker's queue (as the
// Hosts page does) and waits until each import ended: a bench that changed
// containers on the lab's hosts (grew them, raised a quota, started one).
import { createInventoryImport, getInventoryImport, type Db } from '@vzferry/db';
import type { Producer } from '@vzferry/queue';

export async function reimportHosts(db: Db, producer: Producer, hostIds: string[]): Promise<void> {
  const imports = await Promise.all(hostIds.map((id) => createInventoryImport(db, id, 'bench')));
  for (const imp of imports)
    await producer.enqueue('import_inventory', { sourceHostId: imp.sourceHostId, importId: imp.id });
  for (const imp of imports) {
    for (;;) {
      const r = await getInventoryImport(db, imp.id);
      if (r.status === 'failed') throw new Error(`re-import of ${r.sourceHost.name} failed: ${r.error}`);
      if (r.status === 'succeeded') break;
      await new Promise((res) => setTimeout(res, 500));
    }
  }
}
