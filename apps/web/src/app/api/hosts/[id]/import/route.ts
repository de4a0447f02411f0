import { createInventoryImport, requireAcceptedHostKey } from '@vzferry/db';
import { importQueuedSchema } from '@/api/hosts';
import { idParamsSchema } from '@/api/wire';
import { server } from '@/server/context';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/** Queues an inventory import; the hosts page follows its progress row. */
export const POST = route(
  {
    access: 'operate',
    audit: { action: 'host.import', target: 'SourceHost' },
    params: idParamsSchema,
    output: importQueuedSchema,
    status: 202,
  },
  async ({ params, actor }) => {
    const { db, producer } = server();
    await requireAcceptedHostKey(db, params.id);
    const imp = await createInventoryImport(db, params.id, actor.name);
    await producer.enqueue('import_inventory', { sourceHostId: params.id, importId: imp.id });
    return { importId: imp.id };
  },
);
