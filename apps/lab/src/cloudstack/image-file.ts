// What the secondary storage VM learns from a downloaded file: its format
// (ImageStoreUtil.checkTemplateFormat runs `file`; we read the magic), its
// virtual size (QCOW2Processor reads the qcow2 header) and its checksum
// (DownloadManagerImpl.checkOrCreateTheChecksum).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

async function readHead(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** What `file <path> | cut -d: -f2` would say, enough for checkTemplateFormat (note the leading space). */
export async function describeFile(file: string): Promise<string> {
  const head = await readHead(file, 512);
  if (head.length >= 4 && head.readUInt32BE(0) === 0x514649fb) {
    const version = head.length >= 8 ? head.readUInt32BE(4) : 0;
    const size = head.length >= 32 ? head.readBigUInt64BE(24) : 0n;
    return ` QEMU QCOW2 Image (v${version}), ${size} bytes`;
  }
  if (head.length === 512 && head[510] === 0x55 && head[511] === 0xaa) return ' DOS/MBR boot sector';
  if (head.length === 0) return ' empty';
  return ' data';
}

/** ImageStoreUtil.checkTemplateFormat: "" when the content fits the format, otherwise the file description. */
export async function checkTemplateFormat(file: string, format: string, urlPath: string): Promise<string> {
  const output = await describeFile(file);
  const path = urlPath.toLowerCase();
  const ext = (e: string) => [e, `${e}.gz`, `${e}.bz2`, `${e}.zip`].some((x) => path.endsWith(x));
  if (format === 'QCOW2' && output.includes('QEMU QCOW') && ext('qcow2')) return '';
  if (
    (output.includes('x86 boot') || output.includes('data') || output.includes('DOS/MBR')) &&
    (ext('raw') || ext('img'))
  )
    return '';
  if (format === 'ISO' && ext('iso')) return '';
  return output;
}

/** Virtual size from a qcow2 header, or the file size for raw images. */
export async function virtualSize(file: string, physicalSize: number): Promise<number> {
  const head = await readHead(file, 32);
  if (head.length >= 32 && head.readUInt32BE(0) === 0x514649fb) return Number(head.readBigUInt64BE(24));
  return physicalSize;
}

/** ChecksumValue: "{SHA-256}hex", or bare hex whose length names the algorithm (DigestHelper). */
export function parseChecksum(text: string): { algorithm: string; value: string } {
  const m = /^\{([^}]+)\}(.*)$/.exec(text.trim());
  if (m) return { algorithm: m[1]!, value: m[2]!.toLowerCase() };
  const value = text.trim().toLowerCase();
  const byLength: Record<number, string> = { 32: 'MD5', 40: 'SHA-1', 64: 'SHA-256', 128: 'SHA-512' };
  return { algorithm: byLength[value.length] ?? 'MD5', value };
}

const NODE_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** null when the algorithm is unknown ("checksum algorithm not recognised: X"). */
export async function fileDigest(file: string, algorithm: string): Promise<string | null> {
  const node = NODE_ALGORITHMS[algorithm.toUpperCase()];
  if (!node) return null;
  const hash = createHash(node);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
