// What the pipeline needs from a source platform. OpenVZ (vzctl/vzlist) is
// the first implementation; Virtuozzo 7 (prlctl) can be a second one.
import type { ExecOptions, ExecResult } from '@vzferry/core';
import type { ContainerConfig } from './container-config';
import type { Ctid } from './ctid';
import type { InventoryContainer } from '@vzferry/core';

export type SourcePlatform = 'openvz_vzctl' | 'virtuozzo_prlctl';

export interface ContainerState {
  ctid: Ctid;
  exists: boolean;
  mounted: boolean;
  running: boolean;
  suspended: boolean;
}

export interface ListProgress {
  phase: 'listing' | 'reading_configs' | 'parsing';
  /** 0..1 of the whole listing */
  fraction: number;
  message: string;
}

export interface CommandOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface SourceAdapter {
  readonly platform: SourcePlatform;
  /** every container, running or not, with its settings; all or nothing */
  listContainers(opts?: CommandOptions & { onProgress?: (p: ListProgress) => void }): Promise<InventoryContainer[]>;
  status(ctid: Ctid, opts?: CommandOptions): Promise<ContainerState>;
  /** idempotent: a running container is left running */
  start(ctid: Ctid, opts?: CommandOptions): Promise<void>;
  /** idempotent: a stopped container is left stopped */
  stop(ctid: Ctid, opts?: CommandOptions): Promise<void>;
  /** runs argv inside the container; a non-zero exit throws */
  exec(ctid: Ctid, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  setOnboot(ctid: Ctid, onboot: boolean, opts?: CommandOptions): Promise<void>;
  readConfig(ctid: Ctid, opts?: CommandOptions): Promise<ContainerConfig>;
}
