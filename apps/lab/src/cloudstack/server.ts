// The lab's CloudStack management server: the signed API at /client/api and,
// separate from it, the lab's admin endpoints (/lab/faults, /lab/settings).
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { formatZodError } from '@vzferry/core';
import { ApiError } from './api-error';
import { handleApi } from './api-handler';
import { updateSetting } from './commands/infrastructure';
import { type FaultRequest, faultRequestSchema, type FaultState } from './faults';
import { Simulator, type SimulatorOptions } from './simulator';
import { startVmNetwork } from './vm-network';
import { qemuVmPower } from './vm-power';
import { readBody, sendJson } from './wire';

export interface StartCloudStackOptions {
  /** the lab dir; state lives in <dir>/cloudstack/ */
  dir: string;
  /** 0 = any free port */
  port?: number;
  host?: string;
  /** each image store's download rate; default 25 MB/s (the default 1-core SSVM's ~200 Mbit/s), 0 = unlimited */
  downloadRateBytesPerSec?: number;
  vmTransitionMs?: number;
  installMs?: number;
  readTimeoutMs?: number;
  /**
   * how often a download's progress reaches listTemplates; CloudStack's DownloadListener polls every
   * 10 s (the CLI's default), the programmatic default is 1 s to keep tests short
   */
  downloadPollMs?: number;
  /** the CloudStack version the lab plays, default 4.18.0.0; "4.12.0.0" and older refuse template URLs on other ports than 80, 8080, 443 */
  cloudstackVersion?: string;
  /** the Running VMs' IPv4 and IPv6 addresses answer pings from this machine (needs root; vm-network.ts) */
  vmNetwork?: boolean;
  /** a VM started with an ISO attached boots under QEMU (vm-power.ts); default on */
  isoBoot?: boolean;
  log?: (line: string) => void;
}

export interface LabCloudStack {
  /** http://127.0.0.1:<port>/client/api */
  endpoint: string;
  /** base URL of the admin endpoints */
  adminUrl: string;
  port: number;
  apiKey: string;
  secretKey: string;
  zoneId: string;
  faults: { set(request: FaultRequest): FaultState; clear(): FaultState; get(): FaultState };
  setSetting(name: string, value: string): void;
  /** the simulator itself (state, storage), for tests that look inside; a restart makes a new one */
  simulator: Simulator;
  /**
   * A management server restart, on the same port and state: the connections open are cut, the jobs in flight
   * are cancelled ("job cancelled because of management server restart or shutdown", jobs.ts failOrphans),
   * downloads start over, the faults are forgotten.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const settingSchema = z.object({ name: z.string().min(1), value: z.string() }).strict();

async function handleAdmin(
  sim: Simulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  if (url.pathname === '/lab/faults' && req.method === 'GET') return sendJson(res, 200, { faults: sim.faults.state });
  if (url.pathname === '/lab/health') return sendJson(res, 200, { ok: true });
  if (req.method !== 'POST') return sendJson(res, 404, { error: `no ${req.method} ${url.pathname}` });
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req)) || '{}');
  } catch {
    return sendJson(res, 400, { error: 'the body must be JSON' });
  }
  if (url.pathname === '/lab/faults') {
    const parsed = faultRequestSchema.safeParse(body);
    if (!parsed.success) return sendJson(res, 400, { error: formatZodError(parsed.error) });
    return sendJson(res, 200, { faults: sim.faults.apply(parsed.data) });
  }
  if (url.pathname === '/lab/settings') {
    const parsed = settingSchema.safeParse(body);
    if (!parsed.success) return sendJson(res, 400, { error: 'expected {"name": "...", "value": "..."}' });
    try {
      const config = updateSetting(sim, parsed.data.name, parsed.data.value);
      return sendJson(res, 200, { name: config.name, value: config.value });
    } catch (err) {
      return sendJson(res, 400, { error: err instanceof ApiError ? err.errortext : String(err) });
    }
  }
  return sendJson(res, 404, { error: `no POST ${url.pathname}` });
}

function writeCredentials(dir: string, creds: Record<string, string>): void {
  const file = path.join(dir, 'cloudstack', 'credentials.json');
  mkdirSync(path.dirname(file), { recursive: true });
  // whole or not at all: a reader that polls for the file never sees it half written
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** an image store's download rate when none is given: about what an untuned SSVM reaches (under 200 Mbit/s) */
export const DEFAULT_DOWNLOAD_RATE = 25_000_000;

export async function startCloudStack(opts: StartCloudStackOptions): Promise<LabCloudStack> {
  const options: SimulatorOptions = {
    dir: path.resolve(opts.dir),
    downloadRateBytesPerSec: opts.downloadRateBytesPerSec ?? DEFAULT_DOWNLOAD_RATE,
    vmTransitionMs: opts.vmTransitionMs ?? 500,
    installMs: opts.installMs ?? 300,
    readTimeoutMs: opts.readTimeoutMs ?? 60_000,
    downloadPollMs: opts.downloadPollMs ?? 1_000,
    cloudstackVersion: opts.cloudstackVersion ?? '4.18.0.0',
  };
  const log = opts.log ?? (() => {});
  const simulator = async () => {
    const withPower: SimulatorOptions = { ...options };
    if (opts.vmNetwork) withPower.vmNetwork = await startVmNetwork(options.dir, log);
    if (opts.isoBoot ?? true) withPower.vmPower = qemuVmPower(options.dir, log);
    return new Simulator(withPower);
  };
  let sim = await simulator();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const handler =
      url.pathname === '/client/api'
        ? handleApi(sim, req, res, url, log)
        : url.pathname.startsWith('/lab/')
          ? handleAdmin(sim, req, res, url)
          : Promise.resolve(sendJson(res, 404, { error: 'not found' }));
    handler.catch((err: unknown) => {
      log(`500 ${url.pathname}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const user = sim.state.users[0]!;
  const base = `http://${host}:${port}`;
  const lab: LabCloudStack = {
    endpoint: `${base}/client/api`,
    adminUrl: `${base}/lab`,
    port,
    apiKey: user.apiKey,
    secretKey: user.secretKey,
    zoneId: sim.state.zone.id,
    faults: {
      set: (r) => sim.faults.apply(r),
      clear: () => sim.faults.apply({ clear: true }),
      get: () => sim.faults.state,
    },
    setSetting: (name, value) => void updateSetting(sim, name, value),
    simulator: sim,
    restart: async () => {
      server.closeAllConnections();
      await sim.crash();
      sim = await simulator();
      lab.simulator = sim;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    },
  };
  writeCredentials(options.dir, {
    endpoint: lab.endpoint,
    adminUrl: lab.adminUrl,
    apiKey: lab.apiKey,
    secretKey: lab.secretKey,
    zoneId: lab.zoneId,
  });
  return lab;
}
