// <labDir>/manifest.json: what a running lab offers, for the product's demo
// seed and the tests: each hypervisor's address, login key and host key
// fingerprint, the CloudStack endpoint and keys, the customer CSV.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const labManifestSchema = z.object({
  startedAt: z.iso.datetime(),
  hypervisors: z.array(
    z.object({
      name: z.string().min(1),
      address: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      username: z.string().min(1),
      privateKeyPath: z.string().min(1),
      hostKeyFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/),
      hostKeyAlgorithm: z.string().min(1),
      containers: z.number().int().nonnegative(),
    }),
  ),
  cloudstack: z
    .object({
      endpoint: z.url(),
      adminUrl: z.url(),
      apiKey: z.string().min(1),
      secretKey: z.string().min(1),
      zoneId: z.string().min(1),
    })
    .nullable(),
  customersCsv: z.string().min(1),
});

export type LabManifest = z.infer<typeof labManifestSchema>;

export function manifestPath(labDir: string): string {
  return path.join(path.resolve(labDir), 'manifest.json');
}

export function readLabManifest(labDir: string): LabManifest {
  return labManifestSchema.parse(JSON.parse(readFileSync(manifestPath(labDir), 'utf8')));
}

export function writeLabManifest(labDir: string, manifest: LabManifest): void {
  // mode 600: it names the CloudStack secret and the login key's path
  writeFileSync(manifestPath(labDir), `${JSON.stringify(labManifestSchema.parse(manifest), null, 2)}\n`, {
    mode: 0o600,
  });
}
