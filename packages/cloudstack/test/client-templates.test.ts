// Templates through the client against the lab: real downloads by each image
// store, CloudStack's status strings, injected download failures and the
// delete-and-register-again retry.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudStackError, type Template } from '../src/index';
import { type LabHarness, startLab } from './support/lab';
import { closedPort } from './support/ports';
import { eventually, type FileServer, type ImageFile, makeQcow2, serveFiles } from './support/template-files';

let h: LabHarness;
let files: FileServer;
let slow: FileServer;
let image: ImageFile;
let tmp: string;
let osTypeId: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vzferry-cs-images-'));
  image = makeQcow2(tmp, 'ct101', 6 * 1024 * 1024);
  files = await serveFiles({
    '/images/ct101.qcow2': image.path,
    '/images/other.iso': image.path,
    '/images/ct101.txt': image.path,
  });
  slow = await serveFiles({ '/slow/ct101.qcow2': image.path }, { bytesPerSec: 3 * 1024 * 1024 });
  h = await startLab('templates');
  osTypeId = (await h.cs.listOsTypes({ keyword: 'CentOS 7' }))[0]!.id;
});
afterAll(async () => {
  await h?.close();
  await files?.stop();
  await slow?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const register = (
  name: string,
  url: string,
  extra: Partial<Parameters<LabHarness['cs']['registerTemplate']>[0]> = {},
) => h.cs.registerTemplate({ name, url, zoneId: h.lab.zoneId, osTypeId, ...extra });

/** Polls listTemplates until the template leaves the download, collecting every status seen. */
async function settle(id: string, seen: string[] = []): Promise<Template> {
  return eventually(async () => {
    const [t] = await h.cs.listTemplates({ id });
    if (t?.status && seen.at(-1) !== t.status) seen.push(t.status);
    // "" until the SSVM's first answer (DownloadListener), "Active" when no SSVM took it
    const busy =
      t?.status === undefined ||
      t.status === '' ||
      /% Downloaded$/.test(t.status) ||
      t.status === 'Installing Template' ||
      t.status === 'Active';
    return t && !busy ? t : undefined;
  });
}

describe('CloudStack client: templates against the lab', () => {
  it('a public template is downloaded by every image store, reporting progress until Download Complete', async () => {
    const registered = await register('ct101-public', `${slow.base}/slow/ct101.qcow2`, {
      isPublic: true,
      checksum: `{SHA-256}${image.sha256}`,
    });
    expect(registered).toMatchObject({ name: 'ct101-public', isready: false, format: 'QCOW2', ispublic: true });
    const seen: string[] = [];
    await settle(registered.id, seen);
    expect(seen.some((s) => /^\d{1,2}% Downloaded$/.test(s))).toBe(true);
    // status and isready follow the first store's row; the other store may still be installing
    const done = await eventually(async () => {
      const [t] = await h.cs.listTemplates({ id: registered.id });
      return t?.downloaddetails?.every((d) => d.downloadState === 'DOWNLOADED') ? t : undefined;
    });
    expect(done).toMatchObject({
      isready: true,
      status: 'Download Complete',
      physicalsize: image.bytes,
      size: 6 * 1024 * 1024,
    });
    expect(done.downloaddetails).toEqual([
      { datastore: 'nfs-sec1', downloadPercent: 100, downloadState: 'DOWNLOADED' },
      { datastore: 'nfs-sec2', downloadPercent: 100, downloadState: 'DOWNLOADED' },
    ]);
    expect(slow.gets.get('/slow/ct101.qcow2')).toBe(2);
    for (const store of ['nfs-sec1', 'nfs-sec2'])
      expect(existsSync(path.join(h.dir, 'cloudstack', 'secondary', store, 'template', 'tmpl', '2'))).toBe(true);
  });

  it('a private template goes to one image store', async () => {
    const before = files.gets.get('/images/ct101.qcow2') ?? 0;
    const t = await settle((await register('ct101-private', `${files.base}/images/ct101.qcow2`)).id);
    expect(t).toMatchObject({ isready: true, ispublic: false });
    expect(t.downloaddetails).toHaveLength(1);
    expect(files.gets.get('/images/ct101.qcow2')).toBe(before + 1);
  });

  it('a download reset mid-body stays failed with its real text until deleted; the next registration succeeds', async () => {
    h.lab.faults.set({ failDownloads: { count: 1, mode: 'reset', afterFraction: 0.4 } });
    const first = await register('ct102', `${files.base}/images/ct101.qcow2`);
    const failed = await settle(first.id);
    expect(failed).toMatchObject({ isready: false, status: 'Connection reset' });
    expect(failed.downloaddetails).toEqual([expect.objectContaining({ downloadState: 'DOWNLOAD_ERROR' })]);
    expect(failed.downloaddetails![0]!.downloadPercent).toBeGreaterThanOrEqual(30);
    expect(failed.downloaddetails![0]!.downloadPercent).toBeLessThan(100);

    await new Promise((r) => setTimeout(r, 300));
    expect((await h.cs.listTemplates({ id: first.id }))[0]).toMatchObject({
      isready: false,
      status: 'Connection reset',
    });

    await h.cs.deleteTemplate({ id: first.id });
    expect(await h.cs.listTemplates({ id: first.id })).toEqual([]);
    const second = await register('ct102', `${files.base}/images/ct101.qcow2`);
    expect(second.id).not.toBe(first.id);
    expect(await settle(second.id)).toMatchObject({ isready: true, status: 'Download Complete' });
  });

  it('records a read time-out and an HTTP 500 from the source like the secondary storage VM', async () => {
    h.lab.faults.set({ failDownloads: { count: 1, mode: 'timeout', afterFraction: 0.2, stallMs: 200 } });
    const timedOut = await settle((await register('ct103', `${files.base}/images/ct101.qcow2`)).id);
    expect(timedOut).toMatchObject({ isready: false, status: 'Read timed out' });
    h.lab.faults.set({ failDownloads: { count: 1, mode: 'http500' } });
    const http500 = await settle((await register('ct104', `${files.base}/images/ct101.qcow2`)).id);
    expect(http500).toMatchObject({ isready: false, status: ' HTTP Server returned 500 (expected 200 OK) ' });
    expect(http500.downloaddetails).toEqual([
      { datastore: expect.any(String), downloadPercent: 0, downloadState: 'DOWNLOAD_ERROR' },
    ]);
  });

  it('enforces max.template.iso.size on the download', async () => {
    h.lab.setSetting('max.template.iso.size', '0');
    try {
      const t = await settle((await register('ct105', `${files.base}/images/ct101.qcow2`)).id);
      expect(t).toMatchObject({ isready: false, status: 'Download file size is too large' });
    } finally {
      h.lab.setSetting('max.template.iso.size', '50');
    }
  });

  it('fails the install when the checksum does not match', async () => {
    const wrong = 'a'.repeat(64);
    const t = await settle(
      (await register('ct106', `${files.base}/images/ct101.qcow2`, { checksum: `{SHA-256}${wrong}` })).id,
    );
    expect(t.status).toBe(
      `Failed post download script: checksum "{SHA-256}${image.sha256}" didn't match the given value, "{SHA-256}${wrong}"`,
    );
  });

  it("refuses bad URLs at registration with CloudStack's words", async () => {
    const cases: [string, string][] = [
      [`${files.base}/images/ct101.txt`, 'Please specify a valid qcow2'],
      [
        `${files.base}/images/other.iso`,
        'Please specify a valid URL. URL:/images/other.iso is an invalid for the format qcow2',
      ],
      [`ftp://127.0.0.1/x.qcow2`, 'Unsupported scheme for url: ftp://127.0.0.1/x.qcow2'],
    ];
    for (const [url, text] of cases) {
      const err = (await register('bad', url).catch((e: unknown) => e)) as CloudStackError;
      expect(err).toBeInstanceOf(CloudStackError);
      expect(err).toMatchObject({ httpStatus: 431, errorcode: 431, errortext: text });
    }
    const down = `http://127.0.0.1:${await closedPort()}/x.qcow2`;
    await expect(register('bad', down)).rejects.toMatchObject({
      errorcode: 431,
      errortext: `Unable to establish connection with URL ${down}`,
    });
    expect((await h.cs.listTemplates({ name: 'bad' })).length).toBe(0);
  });

  it('registers an ISO and lists it', async () => {
    const iso = await h.cs.registerIso({
      name: 'boot-helper',
      url: `${files.base}/images/other.iso`,
      zoneId: h.lab.zoneId,
      osTypeId,
    });
    expect(iso).toMatchObject({ name: 'boot-helper', format: 'ISO', bootable: true });
    const ready = await eventually(async () => {
      const [i] = await h.cs.listIsos({ id: iso.id });
      return i?.isready ? i : undefined;
    });
    expect(ready.status).toBe('Download Complete');
    expect(await h.cs.listTemplates({ id: iso.id })).toEqual([]);
  });
});
