// import_inventory: list every container of a source host over SSH (vzlist
// and all configs in two commands), parse, and write them in one
// transaction. The import row carries progress and the outcome; a host whose
// key is not accepted, or no longer matches, is refused before anything runs.
import { errorMessage } from '@vzferry/core';
import {
  applyInventory,
  failInventoryImport,
  findSourceHost,
  recordHostKeySeen,
  reportInventoryProgress,
  startInventoryImport,
  type SourceHost,
} from '@vzferry/db';
import { OpenVzAdapter, type SourceAdapter } from '@vzferry/openvz';
import type { JobPayload } from '@vzferry/queue';
import { probeHostKey, SshExecutor, SshHostKeyMismatch } from '@vzferry/ssh';
import type { InventoryJobDeps } from './inventory-deps';

/** SSH work is the first 60 % of the progress bar, the database write the rest */
const LISTED = 60;

export async function importInventoryJob(
  deps: InventoryJobDeps,
  payload: JobPayload<'import_inventory'>,
): Promise<void> {
  const { db } = deps;
  if (!(await startInventoryImport(db, payload.importId)))
    return deps.log(`import ${payload.importId} already finished`);
  const host = await findSourceHost(db, { id: payload.sourceHostId });
  const refusal = host ? whyNot(host) : `source host ${payload.sourceHostId} no longer exists`;
  if (refusal || !host) return failInventoryImport(db, payload.importId, refusal ?? 'no host');
  // progress is best effort: a failed progress write must not fail the import
  const progress = (percent: number, message: string) =>
    reportInventoryProgress(db, payload.importId, percent, message).catch((err: unknown) =>
      deps.log(`progress of import ${payload.importId}: ${errorMessage(err)}`),
    );
  let executor: SshExecutor | null = null;
  try {
    executor = await connect(deps, host);
    const adapter: SourceAdapter = new OpenVzAdapter(executor);
    await progress(5, `connected to ${executor.where}`);
    const containers = await adapter.listContainers({
      timeoutMs: deps.listTimeoutMs ?? 600_000,
      onProgress: (p) => void progress(5 + p.fraction * (LISTED - 5), p.message),
    });
    await progress(LISTED, `writing ${containers.length} containers`);
    const counts = await applyInventory(db, host.id, payload.importId, containers, {
      onProgress: (f) => progress(LISTED + f * (99 - LISTED), 'writing containers'),
    });
    deps.log(
      `import ${host.name}: ${counts.seen} containers, ${counts.created} new, ${counts.updated} updated, ${counts.vanished} vanished`,
    );
  } catch (err) {
    await failInventoryImport(db, payload.importId, `import from ${host.name} failed: ${errorMessage(err)}`);
    deps.log(`import ${host.name} failed: ${errorMessage(err)}`);
  } finally {
    await executor?.close();
  }
}

function whyNot(host: SourceHost): string | null {
  if (host.platform !== 'openvz_vzctl')
    return `${host.name} is a ${host.platform} host; only OpenVZ (vzctl) hosts can be imported so far`;
  if (host.hostKeyState !== 'accepted' || !host.hostKeyFingerprint) {
    return `the SSH host key of ${host.name} is not accepted yet: probe the host, compare the fingerprint with the hypervisor console and accept it on the hosts page, then import`;
  }
  return null;
}

async function connect(deps: InventoryJobDeps, host: SourceHost): Promise<SshExecutor> {
  try {
    return await SshExecutor.connect({
      host: host.address,
      port: host.port,
      username: host.username,
      privateKey: deps.secrets.open(host.privateKeyEnc),
      pinnedFingerprint: host.hostKeyFingerprint!,
      hostKeyAlgorithm: host.hostKeyAlgorithm ?? undefined,
    });
  } catch (err) {
    // keep the new key as pending so an engineer can review and accept it
    if (err instanceof SshHostKeyMismatch) await recordChangedKey(deps, host);
    throw err;
  }
}

async function recordChangedKey(deps: InventoryJobDeps, host: SourceHost): Promise<void> {
  try {
    const key = await probeHostKey({
      host: host.address,
      port: host.port,
      algorithm: host.hostKeyAlgorithm ?? undefined,
      timeoutMs: deps.probeTimeoutMs ?? 15_000,
    });
    await recordHostKeySeen(deps.db, host.id, key);
  } catch (err) {
    deps.log(`could not record the changed host key of ${host.name}: ${errorMessage(err)}`);
  }
}
