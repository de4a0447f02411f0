// Gathers the inputs of checkCloudStackLimits from a zone (the impure half).
import type { CloudStackClient } from '../client';
import { CAPACITY_TYPE_SECONDARY_STORAGE, type Configuration } from '../schemas/infrastructure';
import { type CloudStackLimits, type LimitSettings, LIMIT_SETTINGS } from './limits';

function numberSetting(config: Configuration | null): number | null {
  if (!config?.value) return null;
  const n = Number(config.value.trim());
  return Number.isFinite(n) ? n : null;
}

function listSetting(config: Configuration | null): string[] {
  if (!config?.value) return [];
  return config.value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

async function readSettings(client: CloudStackClient): Promise<LimitSettings> {
  const names: string[] = Object.values(LIMIT_SETTINGS);
  const configs = await Promise.all(names.map((name) => client.getConfiguration(name)));
  const byName = new Map(names.map((name, i) => [name, configs[i] ?? null]));
  const get = (name: string) => byName.get(name) ?? null;
  return {
    maxTemplateIsoSizeGb: numberSetting(get(LIMIT_SETTINGS.maxTemplateIsoSizeGb)),
    maxVolumeSizeGb: numberSetting(get(LIMIT_SETTINGS.maxVolumeSizeGb)),
    maxVolumeUploadSizeGb: numberSetting(get(LIMIT_SETTINGS.maxVolumeUploadSizeGb)),
    allowedInternalSites: listSetting(get(LIMIT_SETTINGS.allowedInternalSites)),
    secstorageSessionMax: numberSetting(get(LIMIT_SETTINGS.secstorageSessionMax)),
    secstorageMaxMigrateSessions: numberSetting(get(LIMIT_SETTINGS.secstorageMaxMigrateSessions)),
    secstorageCapacityStandby: numberSetting(get(LIMIT_SETTINGS.secstorageCapacityStandby)),
    secstorageServiceOffering: get(LIMIT_SETTINGS.secstorageServiceOffering)?.value || null,
    uploadOperationTimeoutMin: numberSetting(get(LIMIT_SETTINGS.uploadOperationTimeoutMin)),
  };
}

export async function readCloudStackLimits(client: CloudStackClient, zoneId: string): Promise<CloudStackLimits> {
  const [settings, stores, capacities, version] = await Promise.all([
    readSettings(client),
    client.listImageStores({ zoneId }),
    client.listCapacity({ zoneId, type: CAPACITY_TYPE_SECONDARY_STORAGE }),
    // a key that may not call listCapabilities leaves the version unknown (the port check then passes with a note)
    client.listCapabilities().then(
      (c) => c.cloudstackversion,
      () => null,
    ),
  ]);
  const secondary = capacities.filter(
    (c) => c.type === CAPACITY_TYPE_SECONDARY_STORAGE && (c.zoneid === undefined || c.zoneid === zoneId),
  );
  return {
    zoneId,
    version,
    settings,
    imageStores: stores.map((s) => ({
      id: s.id,
      name: s.name,
      readonly: s.readonly ?? false,
      totalBytes: s.disksizetotal ?? null,
      usedBytes: s.disksizeused ?? null,
    })),
    secondaryStorage:
      secondary.length === 0
        ? null
        : {
            totalBytes: secondary.reduce((sum, c) => sum + c.capacitytotal, 0),
            usedBytes: secondary.reduce((sum, c) => sum + c.capacityused, 0),
          },
  };
}
