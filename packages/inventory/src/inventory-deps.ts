import type { Db, SecretBox } from '@vzferry/db';

/** What the inventory jobs need; main.ts builds it from the config. */
export interface InventoryJobDeps {
  db: Db;
  /** opens the source hosts' private keys (SourceHost.privateKeyEnc) */
  secrets: SecretBox;
  log: (message: string) => void;
  probeTimeoutMs?: number;
  /** the whole listing of one host (vzlist and every config) */
  listTimeoutMs?: number;
}
