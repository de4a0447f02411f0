// Whether CloudStack will take a container's template and volume: a pure
// function of the limits read from the zone and the container's sizes. Each
// finding says in plain words what blocks the move and what to change.
import {
  type CloudStackLimits,
  type ContainerToMove,
  type Finding,
  GIB,
  IMAGE_STORE_FULL_RATIO,
  type ImageStoreLimit,
  LIMIT_SETTINGS,
} from './limits';
import { formatGb, formatPercent, isIllegalDownloadHost, ipv4InCidr, isIpv4, isPrivateIpv4, slash24 } from './sizes';

/** qcow2 of a synced file system: the used bytes plus ~1 % metadata. */
export function estimatedTemplateBytes(container: ContainerToMove): number {
  return container.templateBytes ?? Math.ceil(container.diskUsedBytes * 1.01);
}

function templateWords(container: ContainerToMove): string {
  const bytes = estimatedTemplateBytes(container);
  return container.templateBytes === undefined ? `template of about ${formatGb(bytes)}` : `template ${formatGb(bytes)}`;
}

function checkTemplateSize(limits: CloudStackLimits, container: ContainerToMove): Finding {
  const code = 'template_size_limit';
  const name = LIMIT_SETTINGS.maxTemplateIsoSizeGb;
  const max = limits.settings.maxTemplateIsoSizeGb;
  if (max === null)
    return { ok: false, code, message: `${name} could not be read; check the API key may call listConfigurations` };
  const bytes = estimatedTemplateBytes(container);
  if (bytes > max * GIB) {
    return {
      ok: false,
      code,
      message: `${container.label}: ${templateWords(container)} exceeds ${name} = ${max} GB; raise it in Global Settings`,
    };
  }
  return { ok: true, code, message: `${container.label}: ${templateWords(container)} is within ${name} = ${max} GB` };
}

function checkVolumeSize(limits: CloudStackLimits, container: ContainerToMove): Finding {
  const code = 'volume_size_limit';
  const name = LIMIT_SETTINGS.maxVolumeSizeGb;
  const max = limits.settings.maxVolumeSizeGb;
  if (max === null)
    return { ok: false, code, message: `${name} could not be read; check the API key may call listConfigurations` };
  if (container.diskSizeBytes > max * GIB) {
    return {
      ok: false,
      code,
      message: `${container.label}: disk ${formatGb(container.diskSizeBytes)} exceeds ${name} = ${max} GB; raise it in Global Settings`,
    };
  }
  return {
    ok: true,
    code,
    message: `${container.label}: disk ${formatGb(container.diskSizeBytes)} is within ${name} = ${max} GB`,
  };
}

function checkUploadSize(limits: CloudStackLimits, container: ContainerToMove): Finding {
  const code = 'upload_size_limit';
  const name = LIMIT_SETTINGS.maxVolumeUploadSizeGb;
  const max = limits.settings.maxVolumeUploadSizeGb;
  if (container.transfer !== 'upload')
    return { ok: true, code, message: `${name} does not apply: the template is registered from a URL` };
  if (max === null)
    return { ok: false, code, message: `${name} could not be read; check the API key may call listConfigurations` };
  const bytes = estimatedTemplateBytes(container);
  if (bytes > max * GIB) {
    return {
      ok: false,
      code,
      message: `${container.label}: upload of ${formatGb(bytes)} exceeds ${name} = ${max} GB; raise it in Global Settings`,
    };
  }
  return { ok: true, code, message: `${container.label}: upload of ${formatGb(bytes)} is within ${name} = ${max} GB` };
}

function storeRatio(store: ImageStoreLimit): number | null {
  if (store.totalBytes === null || store.usedBytes === null || store.totalBytes <= 0) return null;
  return store.usedBytes / store.totalBytes;
}

/**
 * Stores CloudStack would download into: writable and at most 90 % used, or
 * without stats yet (StatsCollector.imageStoreHasEnoughCapacity: used/total <= 0.90).
 */
function eligibleStores(stores: ImageStoreLimit[]): ImageStoreLimit[] {
  return stores.filter((s) => !s.readonly && (storeRatio(s) ?? 0) <= IMAGE_STORE_FULL_RATIO);
}

function checkImageStoresAvailable(limits: CloudStackLimits): Finding {
  const code = 'image_store_available';
  if (limits.imageStores.length === 0) {
    return {
      ok: false,
      code,
      message: `zone ${limits.zoneId} has no image store (secondary storage); add one under Infrastructure > Secondary Storage`,
    };
  }
  const eligible = eligibleStores(limits.imageStores);
  if (eligible.length > 0)
    return {
      ok: true,
      code,
      message: `${eligible.length} of ${limits.imageStores.length} image stores can take a new template`,
    };
  const why = limits.imageStores
    .map((s) => `${s.name} ${s.readonly ? 'is read-only' : `is ${formatPercent(storeRatio(s) ?? 0)} full`}`)
    .join(', ');
  return {
    ok: false,
    code,
    message: `no image store can take a template (${why}); CloudStack skips a store above 90 % used: free space or add a store`,
  };
}

/** Bytes a store can still take before CloudStack counts it full. */
function headroomBytes(store: ImageStoreLimit): number | null {
  if (store.totalBytes === null || store.usedBytes === null) return null;
  return store.totalBytes * IMAGE_STORE_FULL_RATIO - store.usedBytes;
}

function checkImageStoreSpace(limits: CloudStackLimits, container: ContainerToMove): Finding[] {
  const bytes = estimatedTemplateBytes(container);
  // a public template goes to every store; a private one to a store picked at random (HypervisorTemplateAdapter)
  const why = container.templatePublic
    ? 'every image store downloads its own copy of a public template'
    : 'CloudStack picks one of them at random';
  return eligibleStores(limits.imageStores).map((store) => {
    const code = 'image_store_space';
    const room = headroomBytes(store);
    if (room === null) return { ok: true, code, message: `image store ${store.name}: free space not reported yet` };
    if (room < bytes) {
      return {
        ok: false,
        code,
        message: `${container.label}: ${templateWords(container)} does not fit in image store ${store.name} (${formatGb(Math.max(0, room))} left below the 90 % mark; ${why}); free space there`,
      };
    }
    return { ok: true, code, message: `image store ${store.name} has ${formatGb(room)} below the 90 % mark` };
  });
}

function checkSecondaryCapacity(limits: CloudStackLimits, container: ContainerToMove): Finding {
  const code = 'secondary_storage_capacity';
  const cap = limits.secondaryStorage;
  if (cap === null || cap.totalBytes <= 0)
    return { ok: true, code, message: `zone ${limits.zoneId}: secondary storage capacity not reported yet` };
  const copies = container.templatePublic ? Math.max(1, eligibleStores(limits.imageStores).length) : 1;
  const needed = estimatedTemplateBytes(container) * copies;
  const ratio = cap.usedBytes / cap.totalBytes;
  const free = cap.totalBytes * IMAGE_STORE_FULL_RATIO - cap.usedBytes;
  if (ratio > IMAGE_STORE_FULL_RATIO || free < needed) {
    return {
      ok: false,
      code,
      message: `secondary storage of zone ${limits.zoneId} is ${formatPercent(ratio)} used (${formatGb(Math.max(0, free))} left below 90 %), ${formatGb(needed)} needed; delete unused templates or add an image store`,
    };
  }
  return {
    ok: true,
    code,
    message: `secondary storage of zone ${limits.zoneId} is ${formatPercent(ratio)} used, ${formatGb(free)} left below 90 %`,
  };
}

function checkTemplateServer(limits: CloudStackLimits, container: ContainerToMove): Finding | null {
  const host = container.templateServerHost;
  if (!host || !isIpv4(host)) return null;
  const code = 'template_server_reachable';
  if (isIllegalDownloadHost(host)) {
    return {
      ok: false,
      code,
      message: `template server address ${host} is refused by CloudStack ("Illegal host specified in url"); serve templates on the converter box's interconnect address`,
    };
  }
  if (!isPrivateIpv4(host)) return { ok: true, code, message: `template server ${host} is a public address` };
  const sites = limits.settings.allowedInternalSites;
  if (sites.some((cidr) => ipv4InCidr(host, cidr)))
    return { ok: true, code, message: `template server ${host} is listed in ${LIMIT_SETTINGS.allowedInternalSites}` };
  const now = sites.length === 0 ? 'empty' : sites.join(',');
  return {
    ok: false,
    code,
    message: `template server ${host} is on a private network not listed in ${LIMIT_SETTINGS.allowedInternalSites} (now: ${now}); add ${slash24(host)} there, or the secondary storage VM cannot download from it`,
  };
}

/** Ports UriUtils.validateUrl accepted in a template URL up to CloudStack 4.12 (none given = the scheme's own). */
const OLD_TEMPLATE_PORTS = [80, 8080, 443];

/** "4.12.0.0" and older: major.minor at most 4.12 */
export function refusesTemplatePorts(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return major < 4 || (major === 4 && minor <= 12);
}

/**
 * CloudStack up to 4.12 refuses registerTemplate from any other port ("Only ports 80, 8080 and 443 are
 * allowed", UriUtils.validateUrl in apache/cloudstack utils/.../UriUtils.java; the check is gone from 4.13),
 * and the template server listens on 8090 by default.
 */
function checkTemplateUrlPort(limits: CloudStackLimits, container: ContainerToMove): Finding | null {
  const port = container.templateServerPort;
  if (port === undefined) return null;
  const code = 'template_url_port';
  const version = limits.version ?? null;
  if (version === null)
    return {
      ok: true,
      code,
      message: `CloudStack's version could not be read (listCapabilities); template URL port ${port} not checked`,
    };
  if (!refusesTemplatePorts(version) || OLD_TEMPLATE_PORTS.includes(port))
    return { ok: true, code, message: `CloudStack ${version} accepts template URLs on port ${port}` };
  return {
    ok: false,
    code,
    message: `CloudStack ${version} accepts template URLs only on ports 80, 8080 and 443 ("Only ports 80, 8080 and 443 are allowed"), but the converter box's template server is on port ${port}: set TEMPLATE_SERVER_PORT (or TEMPLATE_SERVER_PUBLIC_URL behind a proxy) to one of them, or upgrade CloudStack to 4.13 or later`,
  };
}

/** Not blocking: the default SSVM (1 core, 512 MB) caps downloads near 200 Mbit/s (docs/architecture.md, "Field lessons"). */
function checkSsvmOffering(limits: CloudStackLimits): Finding {
  const code = 'ssvm_offering';
  const name = LIMIT_SETTINGS.secstorageServiceOffering;
  if (limits.settings.secstorageServiceOffering)
    return {
      ok: true,
      code,
      message: `the secondary storage VM uses service offering ${limits.settings.secstorageServiceOffering} (${name})`,
    };
  return {
    ok: true,
    code,
    message: `the secondary storage VM runs on the default system offering (1 core, 512 MB), which downloads near 200 Mbit/s; set ${name} to a bigger offering for faster template downloads`,
  };
}

export function checkCloudStackLimits(limits: CloudStackLimits, container: ContainerToMove): Finding[] {
  const server = checkTemplateServer(limits, container);
  const port = checkTemplateUrlPort(limits, container);
  return [
    checkTemplateSize(limits, container),
    checkVolumeSize(limits, container),
    checkUploadSize(limits, container),
    checkImageStoresAvailable(limits),
    ...checkImageStoreSpace(limits, container),
    checkSecondaryCapacity(limits, container),
    ...(server ? [server] : []),
    ...(port ? [port] : []),
    checkSsvmOffering(limits),
  ];
}

/** True when no finding blocks the move. */
export function limitsAllow(findings: readonly Finding[]): boolean {
  return findings.every((f) => f.ok);
}
