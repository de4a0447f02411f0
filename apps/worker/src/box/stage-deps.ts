// The real StageDeps of a converter box: SSH sessions to source hosts
// (ssh2 for commands, OpenSSH with the pinned key for rsync, its decrypted
// key a tmpfs file for one command only: withOpenSsh), the CloudStack
// client from the stored settings, the settings and mappings, the template
// uploads in PostgreSQL and this box's template server.
import { existsSync } from 'node:fs';
import { rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { createCloudStackClient } from '@vzferry/cloudstack';
import { AppError, type Executor, type RunSnapshot } from '@vzferry/core';
import {
  clearBootCallback,
  issueBootToken,
  lastCatchUpSync,
  measuredStagedCutoverCost,
  loadCloudStackCredentials,
  loadPipelineSettings,
  loadSourceHostLogin,
  readBootCallback,
  readMappings,
  recordCatchUpSync,
  recordDowntimeStarted,
  templateUploadsRepo,
  type Db,
  type SecretBox,
} from '@vzferry/db';
import { OpenVzAdapter } from '@vzferry/openvz';
import {
  ApplianceRunner,
  missingApplianceMessage,
  type ApplianceSettings,
  type BootIsoFile,
  type CloudStackSession,
  type DeltaServing,
  type SourceSession,
  type StageDeps,
} from '@vzferry/pipeline';
import { rsyncRemoteShell, SshExecutor, withOpenSsh } from '@vzferry/ssh';
import type { TemplateServer } from '../template-server';

export interface BoxDepsOptions {
  db: Db;
  secrets: SecretBox;
  local: Executor;
  templateServer: TemplateServer;
  /** this box's boot ISO for grub-legacy guests, published on its template server */
  bootIso: () => Promise<BootIsoFile | null>;
  /** the VM where guest binaries run (the boot ISO's kernel and initramfs) */
  appliance: ApplianceSettings;
  /** null: no delta server on this box (its runs go classic) */
  deltaServer?: DeltaServing | null;
}

/** Earlier versions kept decrypted keys in <data dir>/keys for good: removed, and said where. */
export async function removeLegacyKeyDir(dataDir: string): Promise<string[]> {
  const dir = path.join(dataDir, 'keys');
  if (!existsSync(dir)) return [];
  await rm(dir, { recursive: true, force: true });
  return [dir];
}

export function createStageDeps(o: BoxDepsOptions): StageDeps & { close(): Promise<void> } {
  const sessions = new Map<string, Promise<SshExecutor>>();

  const connect = async (hostId: string): Promise<SshExecutor> => {
    const login = await loadSourceHostLogin(o.db, o.secrets, hostId);
    return SshExecutor.connect({
      host: login.address,
      port: login.port,
      username: login.username,
      privateKey: login.privateKey,
      pinnedFingerprint: login.hostKeyFingerprint,
      hostKeyAlgorithm: login.hostKeyAlgorithm ?? undefined,
    });
  };

  const source = async (run: RunSnapshot): Promise<SourceSession> => {
    const h = run.sourceHost;
    let session = sessions.get(h.id);
    if (!session) {
      session = connect(h.id);
      sessions.set(h.id, session);
      session.catch(() => sessions.delete(h.id));
    }
    const ssh = await session;
    return {
      adapter: new OpenVzAdapter(ssh),
      host: ssh,
      withRsyncShell: (command) => withRsyncShell(run, command),
    };
  };

  /** OpenSSH for rsync -e: the same pinned key; the decrypted key is a file only while `command` runs */
  const withRsyncShell = async <T>(run: RunSnapshot, command: (remoteShell: string) => Promise<T>): Promise<T> => {
    const h = run.sourceHost;
    if (!h.hostKeyAlgorithm || !h.hostPublicKey)
      throw new AppError('host_key_not_accepted', `the SSH host key of ${h.name} is not accepted`);
    const login = await loadSourceHostLogin(o.db, o.secrets, h.id);
    return withOpenSsh(
      {
        host: h.address,
        port: h.port,
        username: h.username,
        privateKey: login.privateKey,
        hostKeyAlgorithm: h.hostKeyAlgorithm,
        hostPublicKey: h.hostPublicKey,
      },
      (argv) => command(rsyncRemoteShell(argv)),
    );
  };

  // Read per call, so that a change in Settings reaches the next stage of a
  // running worker; the client is kept while the connection stays the same.
  let cloudstack: { key: string; session: CloudStackSession } | null = null;
  return {
    local: o.local,
    deltaServer: o.deltaServer ?? null,
    source,
    async cloudstack() {
      const c = await loadCloudStackCredentials(o.db, o.secrets);
      if (!c)
        throw new AppError(
          'cloudstack_not_configured',
          'CloudStack is not set up: fill in Settings > CloudStack connection',
        );
      const key = JSON.stringify([c.endpoint, c.apiKey, c.secretKey, c.zoneId]);
      if (cloudstack?.key !== key) {
        const client = createCloudStackClient({ endpoint: c.endpoint, apiKey: c.apiKey, secretKey: c.secretKey });
        cloudstack = { key, session: { client, zoneId: c.zoneId } };
      }
      return cloudstack.session;
    },
    settings: () => loadPipelineSettings(o.db),
    async mappings() {
      const m = await readMappings(o.db);
      return {
        networks: m.networks.map((n) => ({
          cidr: n.cidr,
          cloudstackNetworkId: n.cloudstackNetworkId,
          gateway: n.gateway ?? null,
          sourceVlan: n.sourceVlan ?? null,
          name: n.name,
        })),
        offerings: m.offerings.map((x) => ({ ...x, serviceOfferingName: x.serviceOfferingName ?? null })),
        osTypes: m.osTypes.map((x) => ({
          distribution: x.distribution,
          version: x.version,
          osTypeId: x.osTypeId,
          legacyOsTypeId: x.legacyOsTypeId ?? null,
        })),
      };
    },
    async freeDiskBytes(dir) {
      const s = await statfs(dir);
      return BigInt(s.bavail) * BigInt(s.bsize);
    },
    templates: templateUploadsRepo(o.db),
    templateServer: {
      publish: (filePath, meta) => o.templateServer.publish(meta.runId, filePath),
      unpublishRun: (runId) => o.templateServer.unpublish(runId),
    },
    recordDowntimeStarted: (runId, at, wasRunning) => recordDowntimeStarted(o.db, runId, at, wasRunning),
    bootIso: o.bootIso,
    bootCallbacks: {
      issueToken: (runId) => issueBootToken(o.db, runId),
      read: (runId) => readBootCallback(o.db, runId),
      clear: (runId) => clearBootCallback(o.db, runId),
    },
    catchUpSyncs: {
      record: async (runId, sync) => void (await recordCatchUpSync(o.db, runId, sync)),
      last: (runId) => lastCatchUpSync(o.db, runId),
      stagedCutoverCost: () => measuredStagedCutoverCost(o.db),
    },
    guestRunner: (work) => new ApplianceRunner(o.local, o.appliance, work),
    guestRunnerProblem: () => missingApplianceMessage(o.appliance.image),
    async close() {
      for (const s of sessions.values()) await s.then((x) => x.close()).catch(() => undefined);
      sessions.clear();
    },
  };
}
