// SSH host keys as OpenSSH shows them: the fingerprint is "SHA256:" plus the
// unpadded base64 of the SHA-256 of the public key blob (sshkey.c
// sshkey_fingerprint_raw + fingerprint_b64), and the algorithm is the key
// type string at the start of the blob (RFC 4253 section 6.6).
import { createHash } from 'node:crypto';
import { AppError } from '@vzferry/core';
import type { ServerHostKeyAlgorithm } from 'ssh2';

export interface HostKey {
  /** "SHA256:<base64 without padding>", exactly as `ssh-keygen -lf` prints it */
  fingerprint: string;
  /** key type, e.g. "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa" */
  algorithm: string;
  /** the public key blob, base64 (the second field of a known_hosts line) */
  publicKey: string;
}

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type string a public key blob starts with. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) throw new Error('not an SSH public key: too short');
  const len = blob.readUInt32BE(0);
  if (len < 1 || len > 64 || 4 + len > blob.length) throw new Error('not an SSH public key: bad type length');
  const type = blob.subarray(4, 4 + len).toString('latin1');
  if (!/^[a-z0-9@.-]+$/.test(type)) throw new Error('not an SSH public key: bad type name');
  return type;
}

export function hostKeyOf(blob: Buffer): HostKey {
  return { fingerprint: fingerprintOf(blob), algorithm: keyTypeOf(blob), publicKey: blob.toString('base64') };
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function isFingerprint(value: string): boolean {
  return FINGERPRINT.test(value);
}

/**
 * The host key signature algorithms that use a key of this type: an RSA key
 * signs with rsa-sha2-512/256 (ssh-rsa/SHA-1 is off in OpenSSH >= 8.8).
 */
export function signatureAlgorithmsFor(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [keyType];
}

/**
 * The same list as ssh2's `algorithms.serverHostKey` option. The key type
 * comes from the host (or the database), so it is only a string here; ssh2
 * itself rejects a name it does not support ("Unsupported algorithm").
 */
export function serverHostKeyAlgorithmsFor(keyType: string): ServerHostKeyAlgorithm[] {
  return signatureAlgorithmsFor(keyType) as ServerHostKeyAlgorithm[];
}

/** A pinned key that does not match: never retried (an engineer must look). */
export class SshHostKeyMismatch extends AppError {
  readonly host: string;
  readonly expected: string;
  /** null when the host offered no key of the pinned type */
  readonly actual: string | null;

  constructor(init: { host: string; expected: string; actual: string | null }) {
    const seen = init.actual ? `presented ${init.actual}` : 'offered no host key of the pinned type';
    super(
      'source_refused',
      `SSH host key of ${init.host} has changed: pinned ${init.expected}, the host ${seen}. ` +
        'Nothing was run. If the hypervisor was reinstalled or its key rotated, check the new fingerprint on its console ' +
        '(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and accept it on the hosts page; otherwise treat it as a possible man-in-the-middle.',
    );
    this.name = 'SshHostKeyMismatch';
    this.host = init.host;
    this.expected = init.expected;
    this.actual = init.actual;
  }
}
