// SourceAdapter for OpenVZ / Parallels Cloud Server 6 hypervisors (vzctl 4.x),
// over any Executor (SSH in production, a local shell in tests).
//
// Quirks it absorbs (docs/platforms.md, "OpenVZ"; kolyshkin/vzctl
// src/vzlist.c, src/vzctl-actions.c): `vzlist -j` with no containers prints
// [] and exits 0, or 1 when CTIDs were named (and in the lab);
// `vzctl stop` of a stopped container exits 0; `vzctl start` of a running
// one exits 32, which start() treats as done; `vzctl exec` exits 8 when the
// command inside fails.
import type { Executor, ExecOptions, ExecResult } from '@vzferry/core';
import {
  vzctlArgv,
  vzctlExecArgv,
  vzctlSetOnbootArgv,
  readConfigArgv,
  vzlistJsonArgv,
  type VzctlAction,
} from './commands';
import { parseConfigBundle, readAllConfigsCommand } from './config-bundle';
import { parseContainerConfig, type ContainerConfig } from './container-config';
import { toCtid, type Ctid } from './ctid';
import type { InventoryContainer } from '@vzferry/core';
import { toInventoryContainer } from './inventory-container';
import { OpenVzParseError } from './parse-error';
import type { CommandOptions, ContainerState, ListProgress, SourceAdapter } from './source-adapter';
import { VZ_EXIT, VzctlError } from './vzctl-errors';
import { parseVzctlStatus } from './vzctl-status';
import { parseVzlistJson, type VzlistContainer } from './vzlist-json';

const ANY_EXIT_CODE = Array.from({ length: 256 }, (_, i) => i);
const DEFAULT_TIMEOUT_MS = 120_000;
/** 3,000 configs of a few KiB each, with room to spare */
const CONFIG_BUNDLE_MAX_BYTES = 256 * 1024 * 1024;
const VZLIST_MAX_BYTES = 256 * 1024 * 1024;

export class OpenVzAdapter implements SourceAdapter {
  readonly platform = 'openvz_vzctl' as const;

  readonly #confDir: string | undefined;

  /**
   * `confDir` overrides where the configs are read; by default it is
   * /etc/vz/conf as the remote session sees it (see REMOTE_CONF_DIR).
   */
  constructor(
    private readonly executor: Executor,
    opts: { confDir?: string } = {},
  ) {
    this.#confDir = opts.confDir;
  }

  async listContainers(
    opts: CommandOptions & { onProgress?: (p: ListProgress) => void } = {},
  ): Promise<InventoryContainer[]> {
    const progress = opts.onProgress ?? (() => undefined);
    progress({ phase: 'listing', fraction: 0, message: 'running vzlist -a -j' });
    const listed = await this.vzlist(opts);
    progress({
      phase: 'reading_configs',
      fraction: 0.3,
      message: `${listed.length} containers listed; reading their configs`,
    });
    const configs = listed.length > 0 ? await this.readAllConfigs(opts) : new Map<Ctid, ContainerConfig>();
    progress({ phase: 'parsing', fraction: 0.8, message: `merging ${listed.length} containers` });
    return listed.map((ct) => toInventoryContainer(ct, configs.get(ct.ctid) ?? null));
  }

  /** `vzlist -a -j`, parsed; [] when the host has no containers */
  async vzlist(opts: CommandOptions = {}): Promise<VzlistContainer[]> {
    const argv = vzlistJsonArgv();
    const res = await this.run(argv, { ...opts, maxCaptureBytes: VZLIST_MAX_BYTES });
    if (res.code === 1 && res.stdout.trim() === '[]') return [];
    if (res.code !== 0) {
      throw new Error(
        `vzlist -a -j on ${this.executor.where} exited with ${res.code}: ${(res.stderr.trim() || res.stdout.trim()).slice(0, 300)}`,
      );
    }
    return parseVzlistJson(res.stdout);
  }

  /** every /etc/vz/conf/<CTID>.conf, parsed, in one remote command */
  async readAllConfigs(opts: CommandOptions = {}): Promise<Map<Ctid, ContainerConfig>> {
    const { argv, boundary } = readAllConfigsCommand(undefined, this.#confDir);
    const res = await this.run(argv, { ...opts, maxCaptureBytes: CONFIG_BUNDLE_MAX_BYTES });
    if (res.code !== 0)
      throw new OpenVzParseError(
        'the container config bundle',
        `reading ${argv[0]} on ${this.executor.where} exited with ${res.code}: ${res.stderr.trim().slice(0, 300)}`,
      );
    const texts = parseConfigBundle(res.stdout, boundary);
    return new Map([...texts].map(([ctid, text]) => [ctid, parseContainerConfig(text, ctid)]));
  }

  async status(ctid: Ctid, opts: CommandOptions = {}): Promise<ContainerState> {
    const res = await this.vzctl('status', ctid, opts);
    return parseVzctlStatus(res.stdout, toCtid(ctid));
  }

  async start(ctid: Ctid, opts: CommandOptions = {}): Promise<void> {
    await this.vzctl('start', ctid, opts, [VZ_EXIT.VE_RUNNING]);
  }

  async stop(ctid: Ctid, opts: CommandOptions = {}): Promise<void> {
    await this.vzctl('stop', ctid, opts);
  }

  async exec(ctid: Ctid, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const full = vzctlExecArgv(ctid, argv);
    const res = await this.run(full, opts);
    if (res.code !== 0) throw this.error(res, full, ctid);
    return res;
  }

  async setOnboot(ctid: Ctid, onboot: boolean, opts: CommandOptions = {}): Promise<void> {
    const argv = vzctlSetOnbootArgv(ctid, onboot);
    const res = await this.run(argv, opts);
    if (res.code !== 0) throw this.error(res, argv, ctid);
  }

  async readConfig(ctid: Ctid, opts: CommandOptions = {}): Promise<ContainerConfig> {
    const argv = readConfigArgv(ctid, this.#confDir);
    const res = await this.run(argv, opts);
    if (res.code !== 0) {
      throw new VzctlError({
        code: VZ_EXIT.NO_VE_CONFIG,
        ctid,
        argv,
        where: this.executor.where,
        stdout: res.stdout,
        stderr: res.stderr,
      });
    }
    return parseContainerConfig(res.stdout, toCtid(ctid));
  }

  private async vzctl(
    action: VzctlAction,
    ctid: Ctid,
    opts: CommandOptions,
    okCodes: number[] = [],
  ): Promise<ExecResult> {
    const argv = vzctlArgv(action, ctid);
    const res = await this.run(argv, opts);
    if (res.code !== 0 && !okCodes.includes(res.code)) throw this.error(res, argv, ctid);
    return res;
  }

  private run(argv: readonly string[], opts: ExecOptions): Promise<ExecResult> {
    return this.executor.exec(argv, { timeoutMs: DEFAULT_TIMEOUT_MS, ...opts, allowExitCodes: ANY_EXIT_CODE });
  }

  private error(res: ExecResult, argv: readonly string[], ctid: Ctid | null): VzctlError {
    return new VzctlError({
      code: res.code,
      ctid,
      argv,
      where: this.executor.where,
      stdout: res.stdout,
      stderr: res.stderr,
    });
  }
}
