// Seeds the panel from a running lab, through the same paths an engineer's
// clicks take: add each simulated hypervisor, let the worker probe its SSH
// host key, accept it only if it is the key the lab says it made, import
// the containers, then apply the lab's customer CSV and point the panel at
// the lab's CloudStack. Idempotent: a second
// run finds the hosts and re-imports (which never duplicates).
import { readFileSync } from 'node:fs';
import { AppError, parseCustomerCsv } from '@vzferry/core';
import { createCloudStackClient } from '@vzferry/cloudstack';
import {
  acceptHostKey,
  applyCustomerRows,
  containerFacets,
  createInventoryImport,
  createSourceHost,
  findSourceHost,
  getInventoryImport,
  listTemplateServerUrls,
  readCloudStackSettings,
  readMappings,
  saveCloudStackSettings,
  saveMappings,
  updateSourceHostLogin,
  type Db,
  type SecretBox,
} from '@vzferry/db';
import { parseOsTemplate } from '@vzferry/guest';
import type { Producer } from '@vzferry/queue';
import type { LabManifest } from '../manifest';
import { labMappings } from './seed-mappings';

const SEED_ACTOR = { name: 'seed' } as const;

export interface SeedDeps {
  db: Db;
  secrets: SecretBox;
  producer: Producer;
  log: (line: string) => void;
}

export async function seedFromLab(
  deps: SeedDeps,
  manifest: LabManifest,
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const hostIds = [];
  for (const hv of manifest.hypervisors) hostIds.push(await addHost(deps, hv, timeoutMs));
  const imports = await Promise.all(hostIds.map(async (id) => createInventoryImport(deps.db, id, SEED_ACTOR.name)));
  for (const imp of imports)
    await deps.producer.enqueue('import_inventory', { sourceHostId: imp.sourceHostId, importId: imp.id });
  for (const imp of imports) {
    const done = await until(
      () => getInventoryImport(deps.db, imp.id),
      (r) => r.status === 'succeeded' || r.status === 'failed',
      timeoutMs,
      'the inventory import',
    );
    if (done.status === 'failed') throw new Error(`import of ${done.sourceHost.name} failed: ${done.error}`);
    deps.log(`imported ${done.sourceHost.name}: ${done.containersSeen} containers (${done.created} new)`);
  }
  await applyCustomers(deps, manifest.customersCsv);
  await connectCloudStack(deps, manifest);
  await connectMappings(deps, manifest);
  await allowTemplateServers(deps, manifest);
}

/**
 * The lab CloudStack's Global Settings list the converter boxes' template
 * servers in secstorage.allowed.internal.sites, as a cloud admin lists the
 * boxes' network; without it the lab's secondary storage (like a real one)
 * cannot download from a private address, and preflight says so.
 */
async function allowTemplateServers(deps: SeedDeps, manifest: LabManifest): Promise<void> {
  const cs = manifest.cloudstack;
  if (!cs) return;
  const urls = await listTemplateServerUrls(deps.db);
  const hosts = [
    ...new Set(
      urls.map((u) => new URL(u).hostname).filter((h) => /^\d+\.\d+\.\d+\.\d+$/.test(h) && !h.startsWith('127.')),
    ),
  ];
  if (hosts.length === 0) return;
  const value = hosts.map((h) => `${h}/32`).join(',');
  const res = await fetch(`${cs.adminUrl}/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'secstorage.allowed.internal.sites', value }),
  });
  if (!res.ok) throw new Error(`the lab CloudStack refused secstorage.allowed.internal.sites: ${await res.text()}`);
  deps.log(`CloudStack: template servers ${hosts.join(', ')} listed in secstorage.allowed.internal.sites`);
}

/** Settings > Mappings from the lab's CloudStack (seed-mappings.ts), unless an engineer made some. */
async function connectMappings(deps: SeedDeps, manifest: LabManifest): Promise<void> {
  const cs = manifest.cloudstack;
  const existing = await readMappings(deps.db);
  if (!cs || existing.networks.length + existing.offerings.length + existing.osTypes.length > 0) return;
  const client = createCloudStackClient({ endpoint: cs.endpoint, apiKey: cs.apiKey, secretKey: cs.secretKey });
  const [networks, offerings, osTypes] = await Promise.all([
    client.listNetworks({ zoneId: cs.zoneId }),
    client.listServiceOfferings(),
    client.listOsTypes(),
  ]);
  const { osTemplates } = await containerFacets(deps.db);
  const oses = osTemplates.flatMap((t) => parseOsTemplate(t.value) ?? []);
  const mappings = labMappings({ networks, offerings, osTypes }, oses);
  await saveMappings(deps.db, mappings);
  deps.log(
    `mappings: ${mappings.networks.length} networks, ${mappings.offerings.length} offerings, ${mappings.osTypes.length} OS types`,
  );
}

/** The lab's CloudStack as the target, unless an engineer already set one. */
async function connectCloudStack(deps: SeedDeps, manifest: LabManifest): Promise<void> {
  const cs = manifest.cloudstack;
  if (!cs || (await readCloudStackSettings(deps.db))) return;
  await saveCloudStackSettings(deps.db, deps.secrets, {
    endpoint: cs.endpoint,
    // the lab's simulator speaks plain HTTP on loopback: the opt-in a real install should not need
    allowPlainHttp: cs.endpoint.startsWith('http:'),
    apiKey: cs.apiKey,
    zoneId: cs.zoneId,
    secretKey: cs.secretKey,
  });
  deps.log(`CloudStack: the lab's simulator at ${cs.endpoint}`);
}

async function addHost(deps: SeedDeps, hv: LabManifest['hypervisors'][number], timeoutMs: number): Promise<string> {
  const { db } = deps;
  const privateKey = readFileSync(hv.privateKeyPath, 'utf8');
  const known = await findSourceHost(db, { name: hv.name });
  // a rebuilt lab has new ports and a new client key
  if (known)
    await updateSourceHostLogin(db, deps.secrets, known.id, { address: hv.address, port: hv.port, privateKey });
  else
    await createSourceHost(db, deps.secrets, {
      name: hv.name,
      address: hv.address,
      port: hv.port,
      username: hv.username,
      privateKey,
    });
  const host = await findSourceHost(db, { name: hv.name });
  if (!host) throw new Error(`source host ${hv.name} disappeared while it was added`);
  if (host.hostKeyState === 'accepted' && host.hostKeyFingerprint === hv.hostKeyFingerprint) return host.id;

  await deps.producer.enqueue('probe_host_key', { sourceHostId: host.id });
  const seen = await until(
    () => findSourceHost(db, { id: host.id }),
    (h) => h === null || h.pendingHostKeyFingerprint !== null || h.lastError !== null,
    timeoutMs,
    `the host key probe of ${hv.name}`,
  );
  if (!seen) throw new Error(`source host ${hv.name} disappeared during its host key probe`);
  if (seen.pendingHostKeyFingerprint !== hv.hostKeyFingerprint) {
    throw new AppError(
      'host_key_not_pending',
      `${hv.name} presents ${seen.pendingHostKeyFingerprint ?? 'no key'} (${seen.lastError ?? ''}), the lab made ${hv.hostKeyFingerprint}; not accepting it`,
    );
  }
  await acceptHostKey(db, host.id, hv.hostKeyFingerprint);
  deps.log(`${hv.name}: accepted host key ${hv.hostKeyFingerprint}`);
  return host.id;
}

async function applyCustomers(deps: SeedDeps, csvPath: string): Promise<void> {
  const parsed = parseCustomerCsv(readFileSync(csvPath, 'utf8'));
  if (parsed.errors.length > 0)
    throw new Error(
      `the lab's customer CSV has bad rows: ${parsed.errors
        .slice(0, 3)
        .map((e) => `line ${e.line}: ${e.reason}`)
        .join('; ')}`,
    );
  const res = await applyCustomerRows(deps.db, parsed.rows);
  if (!res.ok)
    throw new Error(
      `the lab's customer CSV does not match the inventory: ${res.errors
        .slice(0, 3)
        .map((e) => `line ${e.line}: ${e.reason}`)
        .join('; ')}`,
    );
  deps.log(
    `customers: ${res.containersAssigned} containers assigned to ${res.customersCreated + res.customersUpdated} customers`,
  );
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`${what} did not finish within ${timeoutMs / 1000} s; is the worker running?`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
