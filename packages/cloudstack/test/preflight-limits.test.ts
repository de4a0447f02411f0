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
});
