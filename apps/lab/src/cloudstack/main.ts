// Runs the lab's CloudStack alone, or tells a running one to misbehave.
//   npx tsx apps/lab/src/cloudstack/main.ts --dir .lab --port 8080 [--rate 25000000] [--poll-ms 10000] [--version 4.12.0.0]
//   npx tsx apps/lab/src/cloudstack/main.ts fault --dir .lab --fail-downloads 2 --mode reset
//   npx tsx apps/lab/src/cloudstack/main.ts fault --dir .lab --slow 1000000 | --slow off
//   npx tsx apps/lab/src/cloudstack/main.ts fault --dir .lab --full-storage on | --fail-deploys 1 | --silent-vms 1 | --clear
//   npx tsx apps/lab/src/cloudstack/main.ts fault --dir .lab --never-start 1
//   npx tsx apps/lab/src/cloudstack/main.ts fault --dir .lab --api-errors 3 [--status 530] [--commands listTemplates,deployVirtualMachine] [--match vz101]
//   npx tsx apps/lab/src/cloudstack/main.ts fault --dir .lab --api-hangs 1 --hang-ms 40000 | --fail-jobs 1 | --hold-jobs 1 [--commands ...] [--match ...] [--param id]
//   npx tsx apps/lab/src/cloudstack/main.ts setting --dir .lab --name max.template.iso.size --value 500
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type FaultRequest, faultModes, faultRequestSchema } from './faults';
import { startCloudStack } from './server';

const credentialsSchema = z.object({ adminUrl: z.string().url(), endpoint: z.string().url() });

function adminUrl(dir: string): string {
  const file = path.join(dir, 'cloudstack', 'credentials.json');
  try {
    return credentialsSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).adminUrl;
  } catch {
    throw new Error(`${file} not found or unreadable: start the lab CloudStack with --dir ${dir} first`);
  }
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text}`);
  console.log(text);
}

function faultMode(value: string | boolean | undefined): (typeof faultModes)[number] {
  const mode = typeof value === 'string' ? value : 'reset';
  const known = faultModes.find((m) => m === mode);
  if (!known) throw new Error(`--mode ${mode}: expected one of ${faultModes.join(', ')}`);
  return known;
}

function faultRequest(v: Record<string, string | boolean | undefined>): FaultRequest {
  const request: FaultRequest = {};
  if (v.clear) request.clear = true;
  if (v['fail-downloads'] !== undefined) {
    request.failDownloads = {
      count: Number(v['fail-downloads']),
      mode: faultMode(v.mode),
      ...(v.after !== undefined ? { afterFraction: Number(v.after) } : {}),
      ...(v['stall-ms'] !== undefined ? { stallMs: Number(v['stall-ms']) } : {}),
    };
  }
  if (v.slow !== undefined) request.slowDownloads = v.slow === 'off' ? null : { bytesPerSec: Number(v.slow) };
  if (v['full-storage'] !== undefined) request.fullStorage = v['full-storage'] === 'on';
  if (v['fail-deploys'] !== undefined) request.failDeploys = Number(v['fail-deploys']);
  if (v['silent-vms'] !== undefined) request.silentVms = Number(v['silent-vms']);
  if (v['never-start'] !== undefined) request.downloadsNeverStart = Number(v['never-start']);
  const target = {
    ...(typeof v.commands === 'string' ? { commands: v.commands.split(',').filter(Boolean) } : {}),
    ...(typeof v.match === 'string' ? { match: v.match } : {}),
    ...(typeof v.param === 'string' ? { param: v.param } : {}),
  };
  if (v['api-errors'] !== undefined)
    request.apiErrors = { count: Number(v['api-errors']), status: Number(v.status ?? 530), ...target };
  if (v['api-hangs'] !== undefined)
    request.apiHangs = { count: Number(v['api-hangs']), ms: Number(v['hang-ms'] ?? 60_000), ...target };
  if (v['fail-jobs'] !== undefined) request.failJobs = { count: Number(v['fail-jobs']), ...target };
  if (v['hold-jobs'] !== undefined) request.holdJobs = { count: Number(v['hold-jobs']), ...target };
  return request;
}

async function serve(v: Record<string, string | boolean | undefined>): Promise<void> {
  const lab = await startCloudStack({
    dir: String(v.dir),
    port: Number(v.port ?? 8080),
    host: typeof v.host === 'string' ? v.host : undefined,
    downloadRateBytesPerSec: v.rate === undefined ? undefined : Number(v.rate),
    // DownloadListener.STATUS_POLL_INTERVAL
    downloadPollMs: v['poll-ms'] === undefined ? 10_000 : Number(v['poll-ms']),
    cloudstackVersion: typeof v.version === 'string' ? v.version : undefined,
    log: (line) => console.log(line),
  });
  console.log(
    `lab CloudStack at ${lab.endpoint} (zone ${lab.zoneId}); API keys in ${path.join(String(v.dir), 'cloudstack', 'credentials.json')}`,
  );
  const stop = () => void lab.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const sub = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'serve';
  const { values } = parseArgs({
    args: sub === 'serve' ? argv : argv.slice(1),
    options: {
      dir: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      rate: { type: 'string' },
      'fail-downloads': { type: 'string' },
      mode: { type: 'string' },
      after: { type: 'string' },
      'stall-ms': { type: 'string' },
      slow: { type: 'string' },
      'full-storage': { type: 'string' },
      'fail-deploys': { type: 'string' },
      'silent-vms': { type: 'string' },
      'never-start': { type: 'string' },
      'api-errors': { type: 'string' },
      status: { type: 'string' },
      'api-hangs': { type: 'string' },
      'hang-ms': { type: 'string' },
      'fail-jobs': { type: 'string' },
      'hold-jobs': { type: 'string' },
      commands: { type: 'string' },
      match: { type: 'string' },
      param: { type: 'string' },
      'poll-ms': { type: 'string' },
      version: { type: 'string' },
      clear: { type: 'boolean' },
      name: { type: 'string' },
      value: { type: 'string' },
    },
  });
  if (!values.dir) throw new Error('--dir <lab dir> is required');
  if (sub === 'serve') return serve(values);
  if (sub === 'fault') return post(`${adminUrl(values.dir)}/faults`, faultRequestSchema.parse(faultRequest(values)));
  if (sub === 'setting') return post(`${adminUrl(values.dir)}/settings`, { name: values.name, value: values.value });
  throw new Error(`unknown subcommand ${sub}: use serve (default), fault or setting`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
