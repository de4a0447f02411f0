// Every model goes through the generated client against a freshly migrated
// database: if a column the client expects is missing or of another type,
// these writes and reads fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('roundtrip');
});
afterAll(async () => {
  await tdb?.drop();
});

describe('the generated client on a migrated database', () => {
  it('writes and reads every model with every field set', async () => {
    const db = tdb.prisma;
    const user = await db.user.create({
      data: {
        email: 'eng@example.com',
        name: 'Eng',
        role: 'engineer',
        emailVerified: true,
        image: null,
        banned: false,
        banReason: null,
        banExpires: null,
        failedSignIns: 2,
        lockedUntil: new Date(),
      },
    });
    await db.session.create({
      data: {
        token: 't',
        userId: user.id,
        expiresAt: new Date(Date.now() + 1000),
        ipAddress: '192.0.2.1',
        userAgent: 'test',
        impersonatedBy: null,
      },
    });
    await db.account.create({
      data: { accountId: user.id, providerId: 'credential', userId: user.id, password: 'salt:hash', scope: null },
    });
    await db.verification.create({ data: { identifier: 'setup', value: 'h', expiresAt: new Date() } });
    await db.signInAttempt.create({ data: { email: 'eng@example.com', ip: '192.0.2.1', succeeded: false } });
    await db.auditLog.create({
      data: {
        userId: user.id,
        actor: 'eng@example.com',
        role: 'engineer',
        ip: '192.0.2.1',
        outcome: 'ok',
        action: 'host.create',
        targetType: 'SourceHost',
        targetId: 'x',
        details: { a: 1 },
      },
    });
    await db.setting.create({ data: { key: 'cloudstack.endpoint', value: { url: 'http://cs' }, secret: 'v1:a:b:c' } });
    const host = await db.sourceHost.create({
      data: {
        name: 'hv1',
        address: '127.0.0.1',
        port: 2201,
        username: 'root',
        privateKeyEnc: 'v1:x',
        platform: 'openvz_vzctl',
        hostKeyState: 'accepted',
        hostKeyFingerprint: 'SHA256:abc',
        hostKeyAlgorithm: 'ssh-ed25519',
        pendingHostKeyFingerprint: null,
        pendingHostKeyAlgorithm: null,
        hostKeySeenAt: new Date(),
        maxConcurrentMigrations: 3,
        bandwidthLimitKbps: 50000,
        lastError: null,
      },
    });
    await db.inventoryImport.create({
      data: {
        sourceHostId: host.id,
        status: 'succeeded',
        progressPercent: 100,
        message: 'ok',
        containersSeen: 2,
        created: 2,
        updated: 0,
        vanished: 0,
        requestedBy: 'eng',
        startedAt: new Date(),
        finishedAt: new Date(),
      },
    });
    const customer = await db.customer.create({
      data: { name: 'ACME', email: 'ops@acme.test', timezone: 'Europe/Berlin' },
    });
    const container = await db.container.create({
      data: {
        sourceHostId: host.id,
        sourceCtid: 101,
        hostname: 'ct101.example.com',
        name: 'web',
        description: 'd',
        status: 'running',
        ostemplate: 'centos-6-x86_64',
        layout: 'ploop',
        privatePath: '/vz/private/101',
        rootPath: '/vz/root/101',
        diskQuotaKb: 10485760n,
        diskUsedKb: 1234567n,
        inodesUsed: 41234n,
        inodesLimit: 655360n,
        ramMb: 1024,
        swapMb: 2048,
        cpus: 2,
        cpuUnits: 1000,
        cpuLimit: 0,
        onboot: true,
        nameservers: ['8.8.8.8'],
        searchDomains: ['example.com'],
        customerId: customer.id,
        downtimeWindow: 'Sat 02:00-05:00',
        migrationState: 'not_started',
        nics: {
          create: [{ name: 'eth0', mac: '00:18:51:aa:bb:cc', hostIfname: 'veth101.0', bridge: 'vmbr0', vlan: 20 }],
        },
      },
      include: { nics: true },
    });
    await db.containerIp.create({
      data: {
        containerId: container.id,
        nicId: container.nics[0]!.id,
        address: '10.0.0.101',
        family: 4,
        prefix: 24,
        position: 0,
      },
    });
    await db.note.create({
      data: { containerId: container.id, authorId: user.id, authorName: user.name, body: 'customer asked for Sunday' },
    });
    await db.networkMapping.create({
      data: {
        name: 'public-20',
        cidr: '10.0.0.0/24',
        sourceVlan: 20,
        gateway: '10.0.0.1',
        cloudstackNetworkId: 'net-1',
        cloudstackNetworkName: 'Guest 20',
      },
    });
    await db.offeringMapping.create({
      data: { maxRamMb: 1024, maxCpus: 2, serviceOfferingId: 'so-1', serviceOfferingName: 'Small' },
    });
    await db.osTypeMapping.create({
      data: {
        distribution: 'centos',
        version: '6',
        osTypeId: 'os-1',
        osTypeName: 'CentOS 6 (64-bit)',
        legacyOsTypeId: 'os-0',
        legacyOsTypeName: 'Other (64-bit)',
      },
    });
    const box = await db.converterBox.create({
      data: {
        name: 'conv-1',
        workDir: '/srv/work',
        freeDiskBytes: 10n ** 12n,
        totalDiskBytes: 2n * 10n ** 12n,
        cores: 8,
        maxConcurrentRuns: 4,
        templateServerUrl: 'http://conv-1:8090',
        status: 'online',
        version: '0.1.0',
      },
    });
    const batch = await db.batch.create({
      data: {
        name: 'wave-1',
        description: 'first ten',
        status: 'draft',
        startAt: new Date(),
        concurrency: 10,
        catchUpSyncs: 2,
        bandwidthLimitKbps: 100000,
        createdById: user.id,
      },
    });
    const run = await db.migrationRun.create({
      data: {
        batchId: batch.id,
        containerId: container.id,
        converterBoxId: box.id,
        status: 'running',
        currentStage: 'initial_sync',
        failedStage: null,
        preflightOk: true,
        preflightReport: { checks: [] },
        plannedWindowStart: new Date(),
        plannedWindowEnd: new Date(),
        workDir: '/srv/work/run',
        diskImagePath: '/srv/work/run/disk.raw',
        imageBytes: 5n * 2n ** 30n,
        detectedOs: { family: 'rhel' },
        conversionPlan: { files: [] },
        leaseOwner: 'conv-1',
        leaseExpiresAt: new Date(),
        bootTokenSha256: 'ab'.repeat(32),
        bootCalledBackAt: new Date(),
        bootExitStatus: 3,
        bootLog: 'grub-install: ok',
        bootInputs: 'cd'.repeat(32),
        projectedDowntimeMs: 95_000,
        lastSyncEndedAt: new Date(),
      },
    });
    await db.catchUpSync.create({
      data: {
        runId: run.id,
        startedAt: new Date(),
        durationMs: 4_200,
        files: 20_259,
        filesTransferred: 406,
        bytesTransferred: 2n ** 33n,
        bytesTotal: 2n ** 34n,
      },
    });
    const stageRun = await db.stageRun.create({
      data: {
        runId: run.id,
        stage: 'initial_sync',
        attempt: 1,
        status: 'running',
        converterBoxId: box.id,
        progressPercent: 42.5,
        bytesDone: 2n ** 33n,
        bytesTotal: 2n ** 34n,
        filesDone: 100,
        filesTotal: 200,
        message: 'syncing',
        result: { ok: true },
        startedAt: new Date(),
        heartbeatAt: new Date(),
      },
    });
    await db.runEvent.create({
      data: {
        runId: run.id,
        stageRunId: stageRun.id,
        level: 'info',
        kind: 'output',
        stream: 'stdout',
        message: 'sending incremental file list',
        data: { line: 1 },
      },
    });
    await db.templateUpload.create({
      data: {
        runId: run.id,
        attempt: 1,
        name: 'ct101',
        url: 'http://conv-1:8090/t/abc.qcow2',
        cloudstackTemplateId: 'tpl-1',
        state: 'downloading',
        csStatus: '37% Downloaded',
        downloadPercent: 37,
        checksum: '{SHA-256}00',
        sizeBytes: 123n,
      },
    });

    const back = await db.container.findUniqueOrThrow({
      where: { sourceHostId_sourceCtid: { sourceHostId: host.id, sourceCtid: 101 } },
      include: {
        ips: true,
        nics: true,
        customer: true,
        notes: true,
        runs: {
          include: {
            stageRuns: { include: { events: true } },
            templateUploads: true,
            catchUpSyncs: true,
            batch: true,
            converterBox: true,
          },
        },
      },
    });
    expect(back.diskQuotaKb).toBe(10485760n);
    expect(back.nameservers).toEqual(['8.8.8.8']);
    expect(back.ips[0]!.address).toBe('10.0.0.101');
    expect(back.customer!.timezone).toBe('Europe/Berlin');
    expect(back.runs[0]!.stageRuns[0]!.bytesDone).toBe(2n ** 33n);
    expect(back.runs[0]!.stageRuns[0]!.events[0]!.message).toMatch(/incremental/);
    expect(back.runs[0]!.templateUploads[0]!.csStatus).toBe('37% Downloaded');
    expect(back.runs[0]!.batch.name).toBe('wave-1');
    expect(back.runs[0]!.bootExitStatus).toBe(3);
    expect(back.runs[0]!.bootLog).toBe('grub-install: ok');
    expect(back.runs[0]!.projectedDowntimeMs).toBe(95_000);
    expect(back.runs[0]!.catchUpSyncs[0]).toMatchObject({ filesTransferred: 406, bytesTransferred: 2n ** 33n });
    expect(await db.user.count()).toBe(1);
    expect(await db.session.count()).toBe(1);
    expect(await db.account.count()).toBe(1);
    expect(await db.verification.count()).toBe(1);
    expect(await db.signInAttempt.count()).toBe(1);
    expect(await db.auditLog.count()).toBe(1);
    expect(await db.setting.count()).toBe(1);
    expect(await db.inventoryImport.count()).toBe(1);
    expect(await db.networkMapping.count()).toBe(1);
    expect(await db.offeringMapping.count()).toBe(1);
    expect(await db.osTypeMapping.count()).toBe(1);
  });

  it('enforces one container per (host, CTID) and keeps containers while runs point at them', async () => {
    const db = tdb.prisma;
    const host = await db.sourceHost.create({ data: { name: 'hv-uniq', address: '127.0.0.1', privateKeyEnc: 'v1:x' } });
    await db.container.create({ data: { sourceHostId: host.id, sourceCtid: 7 } });
    await expect(db.container.create({ data: { sourceHostId: host.id, sourceCtid: 7 } })).rejects.toMatchObject({
      code: 'P2002',
    });
    await expect(db.sourceHost.delete({ where: { id: host.id } })).rejects.toThrow();
  });
});
