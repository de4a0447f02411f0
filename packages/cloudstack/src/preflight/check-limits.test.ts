import { describe, expect, it } from 'vitest';
import { checkCloudStackLimits, estimatedTemplateBytes, limitsAllow } from './check-limits';
import { type CloudStackLimits, type ContainerToMove, GIB } from './limits';

const TB = 1024 * GIB;

function limits(
  over: Partial<Omit<CloudStackLimits, 'settings'>> & { settings?: Partial<CloudStackLimits['settings']> } = {},
): CloudStackLimits {
  return {
    zoneId: 'zone-1',
    imageStores: over.imageStores ?? [
      { id: 's1', name: 'nfs-sec1', readonly: false, totalBytes: 10 * TB, usedBytes: 4 * TB },
      { id: 's2', name: 'nfs-sec2', readonly: false, totalBytes: 10 * TB, usedBytes: 5 * TB },
    ],
    secondaryStorage:
      over.secondaryStorage === undefined ? { totalBytes: 20 * TB, usedBytes: 9 * TB } : over.secondaryStorage,
    settings: {
      maxTemplateIsoSizeGb: 50,
      maxVolumeSizeGb: 2000,
      maxVolumeUploadSizeGb: 500,
      allowedInternalSites: [],
      secstorageSessionMax: 50,
      secstorageMaxMigrateSessions: 2,
      secstorageCapacityStandby: 10,
      secstorageServiceOffering: null,
      uploadOperationTimeoutMin: 60,
      ...over.settings,
    },
  };
}

const ct = (over: Partial<ContainerToMove> = {}): ContainerToMove => ({
  label: 'container 1042',
  diskSizeBytes: 100 * GIB,
  diskUsedBytes: 20 * GIB,
  ...over,
});

const byCode = (findings: ReturnType<typeof checkCloudStackLimits>, code: string) =>
  findings.filter((f) => f.code === code);
const one = (findings: ReturnType<typeof checkCloudStackLimits>, code: string) => {
  const found = byCode(findings, code);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('checkCloudStackLimits', () => {
  it('passes a small container on a roomy zone with default settings', () => {
    const findings = checkCloudStackLimits(limits(), ct());
    expect(limitsAllow(findings)).toBe(true);
    expect(findings.map((f) => f.code)).toEqual([
      'template_size_limit',
      'volume_size_limit',
      'upload_size_limit',
      'image_store_available',
      'image_store_space',
      'image_store_space',
      'secondary_storage_capacity',
      'ssvm_offering',
    ]);
  });

  it('mentions the slow default secondary storage VM without blocking', () => {
    const f = one(checkCloudStackLimits(limits(), ct()), 'ssvm_offering');
    expect(f.ok).toBe(true);
    expect(f.message).toContain('set secstorage.service.offering to a bigger offering');
    expect(
      one(checkCloudStackLimits(limits({ settings: { secstorageServiceOffering: 'ssvm-4c' } }), ct()), 'ssvm_offering')
        .message,
    ).toContain('ssvm-4c');
  });

  it('says a 212 GB template exceeds max.template.iso.size = 50 GB and where to raise it', () => {
    const f = one(
      checkCloudStackLimits(limits(), ct({ templateBytes: 212 * GIB, diskSizeBytes: 300 * GIB })),
      'template_size_limit',
    );
    expect(f).toEqual({
      ok: false,
      code: 'template_size_limit',
      message: 'container 1042: template 212 GB exceeds max.template.iso.size = 50 GB; raise it in Global Settings',
    });
  });

  it('estimates the template from the used bytes when its size is not known yet', () => {
    expect(estimatedTemplateBytes(ct({ diskUsedBytes: 100 * GIB }))).toBe(Math.ceil(100 * GIB * 1.01));
    const f = one(checkCloudStackLimits(limits(), ct({ diskUsedBytes: 60 * GIB })), 'template_size_limit');
    expect(f.ok).toBe(false);
    expect(f.message).toBe(
      'container 1042: template of about 61 GB exceeds max.template.iso.size = 50 GB; raise it in Global Settings',
    );
  });

  it('accepts a template exactly at the limit and refuses one byte more (GB means GiB)', () => {
    expect(one(checkCloudStackLimits(limits(), ct({ templateBytes: 50 * GIB })), 'template_size_limit').ok).toBe(true);
    expect(one(checkCloudStackLimits(limits(), ct({ templateBytes: 50 * GIB + 1 })), 'template_size_limit').ok).toBe(
      false,
    );
  });

  it('follows a raised max.template.iso.size', () => {
    const f = one(
      checkCloudStackLimits(limits({ settings: { maxTemplateIsoSizeGb: 500 } }), ct({ templateBytes: 212 * GIB })),
      'template_size_limit',
    );
    expect(f).toMatchObject({
      ok: true,
      message: 'container 1042: template 212 GB is within max.template.iso.size = 500 GB',
    });
  });

  it('refuses a disk larger than storage.max.volume.size', () => {
    const f = one(checkCloudStackLimits(limits(), ct({ diskSizeBytes: 2500 * GIB })), 'volume_size_limit');
    expect(f).toEqual({
      ok: false,
      code: 'volume_size_limit',
      message: 'container 1042: disk 2500 GB exceeds storage.max.volume.size = 2000 GB; raise it in Global Settings',
    });
  });

  it('reports a setting that could not be read as blocking, not as passed', () => {
    const findings = checkCloudStackLimits(
      limits({ settings: { maxTemplateIsoSizeGb: null, maxVolumeSizeGb: null } }),
      ct(),
    );
    expect(one(findings, 'template_size_limit')).toMatchObject({
      ok: false,
      message: 'max.template.iso.size could not be read; check the API key may call listConfigurations',
    });
    expect(one(findings, 'volume_size_limit').ok).toBe(false);
  });

  it('applies storage.max.volume.upload.size only to uploads', () => {
    const big = { templateBytes: 600 * GIB, diskSizeBytes: 800 * GIB };
    const settings = { maxTemplateIsoSizeGb: 1000 };
    expect(one(checkCloudStackLimits(limits({ settings }), ct(big)), 'upload_size_limit')).toMatchObject({
      ok: true,
      message: 'storage.max.volume.upload.size does not apply: the template is registered from a URL',
    });
    expect(
      one(checkCloudStackLimits(limits({ settings }), ct({ ...big, transfer: 'upload' })), 'upload_size_limit'),
    ).toMatchObject({
      ok: false,
      message:
        'container 1042: upload of 600 GB exceeds storage.max.volume.upload.size = 500 GB; raise it in Global Settings',
    });
  });

  it('blocks a zone without image stores', () => {
    const findings = checkCloudStackLimits(limits({ imageStores: [] }), ct());
    expect(one(findings, 'image_store_available')).toMatchObject({
      ok: false,
      message: expect.stringContaining('zone zone-1 has no image store'),
    });
    expect(byCode(findings, 'image_store_space')).toEqual([]);
  });

  it('counts a store above 90 % as full and says so when every store is full or read-only', () => {
    const stores = [
      { id: 's1', name: 'nfs-sec1', readonly: false, totalBytes: 10 * TB, usedBytes: 9.05 * TB },
      { id: 's2', name: 'nfs-sec2', readonly: true, totalBytes: 10 * TB, usedBytes: 1 * TB },
    ];
    const f = one(checkCloudStackLimits(limits({ imageStores: stores }), ct()), 'image_store_available');
    expect(f).toEqual({
      ok: false,
      code: 'image_store_available',
      message:
        'no image store can take a template (nfs-sec1 is 90.5 % full, nfs-sec2 is read-only); CloudStack skips a store above 90 % used: free space or add a store',
    });
  });

  it('a store at exactly 90 % still takes templates (used/total <= 0.90)', () => {
    const stores = [{ id: 's1', name: 'nfs-sec1', readonly: false, totalBytes: 10 * TB, usedBytes: 9 * TB }];
    expect(
      one(checkCloudStackLimits(limits({ imageStores: stores, secondaryStorage: null }), ct()), 'image_store_available')
        .ok,
    ).toBe(true);
  });

  it('a store just under 90 % still takes templates', () => {
    const stores = [
      { id: 's1', name: 'nfs-sec1', readonly: false, totalBytes: 10 * TB, usedBytes: 9 * TB - GIB * 100 },
    ];
    const findings = checkCloudStackLimits(
      limits({ imageStores: stores, secondaryStorage: null }),
      ct({ templateBytes: 50 * GIB }),
    );
    expect(one(findings, 'image_store_available').ok).toBe(true);
    expect(one(findings, 'image_store_space')).toMatchObject({
      ok: true,
      message: 'image store nfs-sec1 has 100 GB below the 90 % mark',
    });
  });

  it('flags a store where the template would not fit below the 90 % mark', () => {
    const stores = [
      { id: 's1', name: 'nfs-sec1', readonly: false, totalBytes: 1 * TB, usedBytes: 900 * GIB },
      { id: 's2', name: 'nfs-sec2', readonly: false, totalBytes: 10 * TB, usedBytes: 1 * TB },
    ];
    const findings = checkCloudStackLimits(limits({ imageStores: stores }), ct({ templateBytes: 40 * GIB }));
    const space = byCode(findings, 'image_store_space');
    expect(space.map((f) => f.ok)).toEqual([false, true]);
    expect(space[0]!.message).toBe(
      'container 1042: template 40 GB does not fit in image store nfs-sec1 (22 GB left below the 90 % mark; CloudStack picks one of them at random); free space there',
    );
  });

  it('explains that a public template is copied to every store', () => {
    const stores = [{ id: 's1', name: 'nfs-sec1', readonly: false, totalBytes: 100 * GIB, usedBytes: 80 * GIB }];
    const f = one(
      checkCloudStackLimits(
        limits({ imageStores: stores, secondaryStorage: null }),
        ct({ templateBytes: 20 * GIB, templatePublic: true }),
      ),
      'image_store_space',
    );
    expect(f.message).toContain('every image store downloads its own copy of a public template');
  });

  it('treats stores without stats as unknown, not as full', () => {
    const stores = [{ id: 's1', name: 'nfs-sec1', readonly: false, totalBytes: null, usedBytes: null }];
    const findings = checkCloudStackLimits(limits({ imageStores: stores, secondaryStorage: null }), ct());
    expect(limitsAllow(findings)).toBe(true);
    expect(one(findings, 'image_store_space').message).toBe('image store nfs-sec1: free space not reported yet');
    expect(one(findings, 'secondary_storage_capacity').message).toBe(
      'zone zone-1: secondary storage capacity not reported yet',
    );
  });

  it('blocks on secondary storage capacity near 90 % (listCapacity type 6)', () => {
    const f = one(
      checkCloudStackLimits(limits({ secondaryStorage: { totalBytes: 20 * TB, usedBytes: 18 * TB } }), ct()),
      'secondary_storage_capacity',
    );
    expect(f.ok).toBe(false);
    expect(f.message).toBe(
      'secondary storage of zone zone-1 is 90 % used (0 GB left below 90 %), 21 GB needed; delete unused templates or add an image store',
    );
  });

  it('needs room for one copy per store for a public template', () => {
    const cap = { totalBytes: 1000 * GIB, usedBytes: 850 * GIB };
    const stores = [
      { id: 's1', name: 'a', readonly: false, totalBytes: null, usedBytes: null },
      { id: 's2', name: 'b', readonly: false, totalBytes: null, usedBytes: null },
    ];
    const privateOne = checkCloudStackLimits(
      limits({ imageStores: stores, secondaryStorage: cap }),
      ct({ templateBytes: 40 * GIB }),
    );
    const publicOne = checkCloudStackLimits(
      limits({ imageStores: stores, secondaryStorage: cap }),
      ct({ templateBytes: 40 * GIB, templatePublic: true }),
    );
    expect(one(privateOne, 'secondary_storage_capacity').ok).toBe(true);
    expect(one(publicOne, 'secondary_storage_capacity').ok).toBe(false);
  });

  it('requires a private template server to be listed in secstorage.allowed.internal.sites', () => {
    const f = one(checkCloudStackLimits(limits(), ct({ templateServerHost: '10.1.2.3' })), 'template_server_reachable');
    expect(f).toEqual({
      ok: false,
      code: 'template_server_reachable',
      message:
        'template server 10.1.2.3 is on a private network not listed in secstorage.allowed.internal.sites (now: empty); add 10.1.2.0/24 there, or the secondary storage VM cannot download from it',
    });
    const allowed = one(
      checkCloudStackLimits(
        limits({ settings: { allowedInternalSites: ['10.1.0.0/16'] } }),
        ct({ templateServerHost: '10.1.2.3' }),
      ),
      'template_server_reachable',
    );
    expect(allowed.ok).toBe(true);
  });

  it('refuses loopback and link-local template servers like UriUtils.validateUrl', () => {
    for (const host of ['127.0.0.1', '169.254.10.1']) {
      const f = one(checkCloudStackLimits(limits(), ct({ templateServerHost: host })), 'template_server_reachable');
      expect(f.ok).toBe(false);
      expect(f.message).toContain('Illegal host specified in url');
    }
  });

  it('does not check a public or named template server address', () => {
    expect(
      one(checkCloudStackLimits(limits(), ct({ templateServerHost: '198.51.100.7' })), 'template_server_reachable').ok,
    ).toBe(true);
    expect(
      byCode(
        checkCloudStackLimits(limits(), ct({ templateServerHost: 'conv-1.example' })),
        'template_server_reachable',
      ),
    ).toEqual([]);
  });

  it('reports every blocking reason at once', () => {
    const findings = checkCloudStackLimits(
      limits({ secondaryStorage: { totalBytes: 10 * TB, usedBytes: 9.5 * TB } }),
      ct({ templateBytes: 212 * GIB, diskSizeBytes: 3000 * GIB, templateServerHost: '192.168.5.5' }),
    );
    expect(findings.filter((f) => !f.ok).map((f) => f.code)).toEqual([
      'template_size_limit',
      'volume_size_limit',
      'secondary_storage_capacity',
      'template_server_reachable',
    ]);
  });

  it('formats small sizes with one decimal, rounded up', () => {
    const f = one(
      checkCloudStackLimits(limits({ settings: { maxTemplateIsoSizeGb: 1 } }), ct({ templateBytes: 1.04 * GIB })),
      'template_size_limit',
    );
    expect(f.message).toBe(
      'container 1042: template 1.1 GB exceeds max.template.iso.size = 1 GB; raise it in Global Settings',
    );
  });
});
