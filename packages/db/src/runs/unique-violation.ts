// Telling which unique index refused a write. Through the pg driver adapter
// Prisma reports a unique violation as P2002 with the index's name in
// meta.driverAdapterError.cause.constraint.index (meta.target stays empty).

/** One active run per container: the partial unique index of prisma/migrations/20261211000000_one_active_run_per_container. */
export const ACTIVE_RUN_INDEX = 'MigrationRun_active_containerId_key';

interface UniqueViolationMeta {
  driverAdapterError?: { cause?: { constraint?: { index?: string } } };
  target?: unknown;
}

/** The write failed on this unique index. */
export function isUniqueViolation(err: unknown, index: string): boolean {
  if (typeof err !== 'object' || err === null || (err as { code?: unknown }).code !== 'P2002') return false;
  const meta = (err as { meta?: UniqueViolationMeta }).meta;
  const target = meta?.target;
  return (
    meta?.driverAdapterError?.cause?.constraint?.index === index ||
    target === index ||
    (Array.isArray(target) && target.includes(index))
  );
}
