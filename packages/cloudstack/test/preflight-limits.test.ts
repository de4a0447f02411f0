// readCloudStackLimits reads the zone's settings, image stores and capacity
// from the lab; the pure checks then say what blocks a container.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCloudStackLimits, GIB, limitsAllow, readCloudStackLimits } from '../src/index';
import { type LabHarness, startLab } from './support/lab';

let h: LabHarness;
beforeAll(async () => {
  h = await startLab('preflight');
});
afterAll(async () => {
  await h?.close();
});

describe('preflight against the lab', () => {
  it('reads the settings, stores and capacity of the zone', async () => {
    const limits = await readCloudStackLimits(h.cs, h.lab.zoneId);
    expect(limits.settings).toEqual({
      maxTemplateIsoSizeGb: 50,
      maxVolumeSizeGb: 2000,
      maxVolumeUploadSizeGb: 500,
      allowedInternalSites: [],
      secstorageSessionMax: 50,
      secstorageMaxMigrateSessions: 2,
      secstorageCapacityStandby: 10,
      secstorageServiceOffering: null,
      uploadOperationTimeoutMin: 60,
    });
    expect(limits.imageStores.map((s) => s.name)).toEqual(['nfs-sec1', 'nfs-sec2']);
    const stores = limits.imageStores;
    expect(limits.secondaryStorage).toEqual({
      totalBytes: stores.reduce((sum, s) => sum + (s.totalBytes ?? 0), 0),
      usedBytes: stores.reduce((sum, s) => sum + (s.usedBytes ?? 0), 0),
    });
  });

  it('passes a small container and blocks a big one, naming the setting to raise', async () => {
    const limits = await readCloudStackLimits(h.cs, h.lab.zoneId);
    const small = checkCloudStackLimits(limits, {
      label: 'container 101',
      diskSizeBytes: 20 * GIB,
      diskUsedBytes: 5 * GIB,
    });
    expect(limitsAllow(small)).toBe(true);
    const big = checkCloudStackLimits(limits, {
      label: 'container 102',
      diskSizeBytes: 300 * GIB,
      diskUsedBytes: 250 * GIB,
      templateBytes: 212 * GIB,
    });
    expect(big.filter((f) => !f.ok).map((f) => f.message)).toEqual([
      'container 102: template 212 GB exceeds max.template.iso.size = 50 GB; raise it in Global Settings',
    ]);
  });

  it('follows settings changed in CloudStack and a full secondary storage', async () => {
    h.lab.setSetting('max.template.iso.size', '500');
    h.lab.setSetting('secstorage.allowed.internal.sites', '10.1.0.0/16');
    h.lab.faults.set({ fullStorage: true });
    try {
      const limits = await readCloudStackLimits(h.cs, h.lab.zoneId);
      expect(limits.settings.maxTemplateIsoSizeGb).toBe(500);
      expect(limits.settings.allowedInternalSites).toEqual(['10.1.0.0/16']);
      const findings = checkCloudStackLimits(limits, {
        label: 'container 102',
        diskSizeBytes: 300 * GIB,
        diskUsedBytes: 250 * GIB,
        templateBytes: 212 * GIB,
        templateServerHost: '10.1.2.3',
      });
      expect(findings.filter((f) => !f.ok).map((f) => f.code)).toEqual([
        'image_store_available',
        'secondary_storage_capacity',
      ]);
      expect(findings.find((f) => f.code === 'image_store_available')?.message).toBe(
        'no image store can take a template (nfs-sec1 is 95 % full, nfs-sec2 is 95 % full); CloudStack skips a store above 90 % used: free space or add a store',
      );
    } finally {
      h.lab.faults.clear();
      h.lab.setSetting('max.template.iso.size', '50');
    }
  });

  // UriUtils.validateUrl up to 4.12 accepts template URLs on ports 80, 8080 and 443 only; the box serves on 8090
  it('blocks a template server on port 8090 when CloudStack is 4.12 or older, naming the fix', async () => {
    const container = { label: 'container 103', diskSizeBytes: 20 * GIB, diskUsedBytes: 5 * GIB };
    const current = await readCloudStackLimits(h.cs, h.lab.zoneId);
    expect(current.version).toBe('4.18.0.0');
    expect(
      checkCloudStackLimits(current, { ...container, templateServerPort: 8090 }).find(
        (f) => f.code === 'template_url_port',
      ),
    ).toMatchObject({ ok: true });

    const old = await startLab('preflight-412', { cloudstackVersion: '4.12.0.0' });
    try {
      const limits = await readCloudStackLimits(old.cs, old.lab.zoneId);
      expect(limits.version).toBe('4.12.0.0');
      const blocked = checkCloudStackLimits(limits, { ...container, templateServerPort: 8090 });
      expect(blocked.filter((f) => !f.ok)).toEqual([
        {
          ok: false,
          code: 'template_url_port',
          message:
            'CloudStack 4.12.0.0 accepts template URLs only on ports 80, 8080 and 443 ("Only ports 80, 8080 and 443 are allowed"), but the converter box\'s template server is on port 8090: set TEMPLATE_SERVER_PORT (or TEMPLATE_SERVER_PUBLIC_URL behind a proxy) to one of them, or upgrade CloudStack to 4.13 or later',
        },
      ]);
      const fine = checkCloudStackLimits(limits, { ...container, templateServerPort: 8080 });
      expect(limitsAllow(fine)).toBe(true);
    } finally {
      await old.close();
    }
  });
});
