// registerTemplate's checks of the URL before anything is stored
// (HypervisorTemplateAdapter.prepare -> UriUtils.validateUrl, checkFormat,
// getRemoteSize). The lab accepts loopback hosts, which real CloudStack
// refuses ("Illegal host specified in url"): every lab server is on loopback.
import http from 'node:http';
import https from 'node:https';
import { ApiError, CS, paramError } from './api-error';

const compressed = (ext: string) => [`.${ext}`, `.${ext}.zip`, `.${ext}.bz2`, `.${ext}.gz`];

/** UriUtils.SUPPORTED_EXTENSIONS_BY_FORMAT */
const EXTENSIONS: Record<string, string[]> = {
  vhd: compressed('vhd'),
  vhdx: compressed('vhdx'),
  qcow2: [...compressed('qcow2'), ...compressed('img'), '.metalink'],
  ova: [...compressed('ova'), '.metalink'],
  tar: compressed('tar'),
  raw: [...compressed('img'), ...compressed('raw')],
  vmdk: compressed('vmdk'),
  iso: [...compressed('iso'), '.metalink'],
};

/** IllegalArgumentException from the URL checks: ApiServer answers 431 with cserrorcode 9999. */
const illegalArgument = (text: string) => new ApiError(431, text, CS.ServerApiException);

/** "4.12.0.0" -> [4, 12, 0, 0] */
export function versionParts(version: string): number[] {
  return version.split('.').map((n) => Number.parseInt(n, 10) || 0);
}

/**
 * UriUtils.validateUrl up to 4.12 refused any port but 80, 8080 and 443 (or none); later
 * versions dropped the check (utils/src/main/java/com/cloud/utils/UriUtils.java).
 */
function checkPort(parsed: URL, version: string): void {
  const [major = 0, minor = 0] = versionParts(version);
  const old = major < 4 || (major === 4 && minor <= 12);
  if (old && parsed.port !== '' && !['80', '8080', '443'].includes(parsed.port))
    throw illegalArgument('Only ports 80, 8080 and 443 are allowed');
}

export function validateTemplateUrl(format: string, url: string, version: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw illegalArgument(`Invalid URL: ${url}`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) {
    if (parsed.protocol === 'file:')
      throw new ApiError(431, 'File:// type urls are currently unsupported', CS.InvalidParameterValueException);
    throw illegalArgument(`Unsupported scheme for url: ${url}`);
  }
  checkPort(parsed, version);
  if (parsed.hostname.startsWith('['))
    throw illegalArgument(`IPV6 addresses not supported (${parsed.hostname.slice(1, -1)})`);
  const path = parsed.pathname.toLowerCase();
  const fmt = format.toLowerCase();
  const known = EXTENSIONS[fmt] ?? [];
  if (!known.some((ext) => path.endsWith(ext))) {
    const anyFormat = Object.values(EXTENSIONS).some((exts) => exts.some((ext) => path.endsWith(ext)));
    if (!anyFormat) throw illegalArgument(`Please specify a valid ${fmt}`);
    throw illegalArgument(`Please specify a valid URL. URL:${parsed.pathname} is an invalid for the format ${fmt}`);
  }
  return parsed;
}

/**
 * UriUtils.getRemoteSize for the secondary-storage resource limit check: a
 * HEAD request; a server that cannot be reached fails the registration.
 */
export function checkRemoteReachable(url: URL): Promise<void> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: 'HEAD', timeout: 5000 }, (res) => {
      res.resume();
      resolve();
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => reject(illegalArgument(`Unable to establish connection with URL ${url.toString()}`)));
    req.end();
  });
}

export function imageFormat(format: string): string {
  const formats = ['QCOW2', 'RAW', 'VHD', 'VHDX', 'OVA', 'ISO', 'BAREMETAL', 'VMDK', 'VDI', 'TAR', 'ZIP', 'DIR'];
  const upper = format.toUpperCase();
  if (!formats.includes(upper))
    throw paramError(`Image format: ${format} is incorrect. Supported formats are ${formats.join(', ')}`);
  return upper;
}
