// The inventory queue's consumer: host-key probes and imports, dispatched by
// job name from the queue contract.
import { createConsumer, type Consumer } from '@vzferry/queue';
import { importInventoryJob, probeHostKeyJob, type InventoryJobDeps } from '@vzferry/inventory';

export function startInventoryWorker(opts: {
  redisUrl: string;
  prefix: string;
  deps: InventoryJobDeps;
  concurrency?: number;
}): Consumer {
  return createConsumer({
    redisUrl: opts.redisUrl,
    prefix: opts.prefix,
    queue: 'inventory',
    // imports are mostly waiting on SSH and PostgreSQL; a few hosts at once
    concurrency: opts.concurrency ?? 4,
    handlers: {
      probe_host_key: (p) => probeHostKeyJob(opts.deps, p),
      import_inventory: (p) => importInventoryJob(opts.deps, p),
    },
  });
}
