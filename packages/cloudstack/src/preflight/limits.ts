// What CloudStack allows, as read from one zone: the settings that cap a
// template or a volume, the image stores and the secondary storage capacity.
// Sizes in settings are GB meaning GiB: HttpTemplateDownloader compares the
// download against max.template.iso.size * 1024^3 bytes.

export const GIB = 1024 ** 3;

/** StatsCollector.imageStoreCapacityThreshold: a store above 90 % used (used/total > 0.90) gets no new template. */
export const IMAGE_STORE_FULL_RATIO = 0.9;

/** Global Settings that decide whether a container can move (names and defaults: Config.java and ConfigKeys). */
export const LIMIT_SETTINGS = {
  maxTemplateIsoSizeGb: 'max.template.iso.size',
  maxVolumeSizeGb: 'storage.max.volume.size',
  maxVolumeUploadSizeGb: 'storage.max.volume.upload.size',
  allowedInternalSites: 'secstorage.allowed.internal.sites',
  secstorageSessionMax: 'secstorage.session.max',
  secstorageMaxMigrateSessions: 'secstorage.max.migrate.sessions',
  secstorageCapacityStandby: 'secstorage.capacity.standby',
  secstorageServiceOffering: 'secstorage.service.offering',
  uploadOperationTimeoutMin: 'upload.operation.timeout',
} as const;

export interface LimitSettings {
  /** null when the setting could not be read */
  maxTemplateIsoSizeGb: number | null;
  maxVolumeSizeGb: number | null;
  maxVolumeUploadSizeGb: number | null;
  /** CIDRs of internal download servers the secondary storage VM may reach */
  allowedInternalSites: string[];
  secstorageSessionMax: number | null;
  secstorageMaxMigrateSessions: number | null;
  secstorageCapacityStandby: number | null;
  /** service offering of the secondary storage VM; null = the default system offering (1 core, 512 MB) */
  secstorageServiceOffering: string | null;
  uploadOperationTimeoutMin: number | null;
}

export interface ImageStoreLimit {
  id: string;
  name: string;
  readonly: boolean;
  /** bytes; null until the storage stats collector has run */
  totalBytes: number | null;
  usedBytes: number | null;
}

export interface CloudStackLimits {
  zoneId: string;
  settings: LimitSettings;
  imageStores: ImageStoreLimit[];
  /** listCapacity type 6 for the zone; null when CloudStack reported none */
  secondaryStorage: { totalBytes: number; usedBytes: number } | null;
  /** listCapabilities cloudstackversion ("4.12.0.0"); null or absent when it could not be read */
  version?: string | null;
}

export interface ContainerToMove {
  /** how findings name it, e.g. "container 1042" */
  label: string;
  /** size of the container's disk = the VM's root volume (virtual size) */
  diskSizeBytes: number;
  /** bytes in use inside the container */
  diskUsedBytes: number;
  /** size of the qcow2 file CloudStack will download; default: estimated from diskUsedBytes */
  templateBytes?: number;
  /** a public template is downloaded by every image store of the zone; default false */
  templatePublic?: boolean;
  /** the address in the template URL (the converter box's template server) */
  templateServerHost?: string;
  /** the port of the template URL (80 for http://host/, 443 for https://host/) */
  templateServerPort?: number;
  /** 'url' (registerTemplate, the default) or 'upload' (getUploadParamsForTemplate / volume upload) */
  transfer?: 'url' | 'upload';
}

export interface Finding {
  ok: boolean;
  /** passed, but with a risk an engineer should know of (an old rsync on the source host) */
  warning?: boolean;
  /** stable id of the check, for the UI and tests */
  code: string;
  /** plain words an engineer can act on */
  message: string;
}
