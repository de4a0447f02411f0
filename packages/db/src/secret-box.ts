// Encrypts secrets at rest (SSH private keys, the CloudStack secret key) with
// AES-256-GCM under the instance key. The stored form is
// "v1:<iv b64>:<tag b64>:<ciphertext b64>"; a wrong key or a changed byte
// fails loudly instead of returning garbage.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
    this.#key = key;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  /**
   * A key of its own for one purpose (e.g. signing session cookies), derived
   * with HKDF from the instance key, so one secret covers them all and none
   * of them reveals another.
   */
  derive(purpose: string): string {
    return Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `vzferry:${purpose}`, 32)).toString('hex');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('cannot decrypt a stored secret: the instance key (VZFERRY_SECRET_KEY) has changed');
    }
  }
}

export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('VZFERRY_SECRET_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

/**
 * The instance key: VZFERRY_SECRET_KEY when set, else `<dataDir>/secret.key`,
 * created (mode 0600) on first use so the demo works on its embedded defaults.
 */
export function loadSecretBox(opts: { secretKey?: string | undefined; dataDir: string }): SecretBox {
  if (opts.secretKey) return new SecretBox(parseSecretKey(opts.secretKey));
  const file = path.join(opts.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return new SecretBox(parseSecretKey(readFileSync(file, 'utf8')));
}
