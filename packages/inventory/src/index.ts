// The inventory jobs of a worker: read a source host's SSH host key, and
// import every container of a host over SSH into PostgreSQL.
export { importInventoryJob } from './import-inventory';
export { probeHostKeyJob } from './probe-host-key';
export type { InventoryJobDeps } from './inventory-deps';
