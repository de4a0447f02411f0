// The box's boot ISO on its template server, named by its checksum so that
// every box serving the same bytes shares one CloudStack ISO (legacy-boot.ts).
// Looked up when a run needs it: an ISO built on the box after the worker
// started is served without a restart, a rebuilt one under its new name.
import { existsSync, statSync } from 'node:fs';
import { fileSha256, type BootIsoFile } from '@vzferry/pipeline';
import type { TemplateServer } from '../template-server';

export function bootIsoSource(
  server: Pick<TemplateServer, 'publishBootIso'>,
  file: string,
): () => Promise<BootIsoFile | null> {
  let cached: { key: string; iso: BootIsoFile } | null = null;
  return async () => {
    if (!existsSync(file)) return null;
    const st = statSync(file);
    const key = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (cached?.key !== key) cached = { key, iso: await publishBootIso(server, file) };
    return cached.iso;
  };
}

export async function publishBootIso(
  server: Pick<TemplateServer, 'publishBootIso'>,
  file: string,
): Promise<BootIsoFile> {
  const name = `vzferry-boot-${(await fileSha256(file)).slice(0, 12)}.iso`;
  return { name, url: server.publishBootIso(file, name) };
}

export function missingBootIsoError(file: string): Error {
  return new Error(`BOOT_ISO=${file} does not exist: build it with "npm run boot-iso -- --out ${file}"`);
}
