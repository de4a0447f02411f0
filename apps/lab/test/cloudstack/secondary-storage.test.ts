// The lab's secondary storage downloads like the SSVM's HttpTemplateDownloader:
// its refusals, its resume, its error strings, its rate, and the stores' capacity.
import { rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileBytes, type Lab, makeQcow2, scratchLab, type Source, source, tmpDir, until } from './support';

let h: Lab;
let tmp: string;
let image: Buffer;
let src: Source;
let osTypeId: string;
let behaviour: (path: string, req: IncomingMessage, res: ServerResponse) => void;

beforeAll(async () => {
  tmp = tmpDir('images');
  image = fileBytes(makeQcow2(tmp, 'img', 1024 * 1024));
  src = await source((req, res) => behaviour(new URL(req.url ?? '/', 'http://x').pathname, req, res));
  h = await scratchLab('storage');
  osTypeId = h.lab.simulator.state.osTypes[0]!.id;
});
afterAll(async () => {
  await h?.close();
  await src?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

type Tmpl = {
  id: string;
  status?: string;
  isready: boolean;
  downloaddetails: { downloadState: string; downloadPercent: string }[];
  size?: number;
  physicalsize?: number;
};

async function register(name: string, path: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await h.call('registerTemplate', {
    name,
    displaytext: name,
    url: `${src.base}${path}`,
    format: 'QCOW2',
    hypervisor: 'KVM',
    zoneid: h.lab.zoneId,
    ostypeid: osTypeId,
    ...extra,
  });
  expect(res.status).toBe(200);
  return (res.json.registertemplateresponse as { template: { id: string }[] }).template[0]!.id;
}

async function settled(id: string): Promise<Tmpl> {
  return until(async () => {
    const res = await h.call('listTemplates', { templatefilter: 'self', id });
    const t = (res.json.listtemplatesresponse as { template?: Tmpl[] }).template?.[0];
    return t && !/Downloaded$|^Installing Template$|^Active$|^$/.test(t.status ?? 'Active') ? t : undefined;
  });
}

const serveImage = (res: ServerResponse, body = image) => {
  res.writeHead(200, { 'content-length': body.length });
  res.end(body);
};

describe('lab secondary storage', () => {
  it('installs a qcow2: downloadPercent is a string, size is the virtual size, physicalsize the file', async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    const t = await settled(await register('ok', '/ok.qcow2'));
    expect(t).toMatchObject({
      isready: true,
      status: 'Download Complete',
      size: 1024 * 1024,
      physicalsize: image.length,
    });
    expect(t.downloaddetails).toEqual([
      { datastore: expect.stringMatching(/^nfs-sec[12]$/), downloadPercent: '100', downloadState: 'DOWNLOADED' },
    ]);
  });

  it('does not follow redirects', async () => {
    behaviour = (_p, _q, res) => void res.writeHead(302, { location: `${src.base}/ok.qcow2` }).end();
    const t = await settled(await register('redirect', '/moved.qcow2'));
    expect(t.status).toBe(`Failed to download ${src.base}/moved.qcow2 due to redirection, response code: 302`);
  });

  it('needs a Content-Length or chunked encoding', async () => {
    // an HTTP/1.0-style answer without length: the body ends when the connection closes
    behaviour = (_p, req, res) => {
      req.socket.write(`HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n`);
      req.socket.end(image);
      void res;
    };
    const t = await settled(await register('nolength', '/nolength.qcow2'));
    expect(t.status).toBe(' Failed to receive length of download ');

    behaviour = (_p, _q, res) => {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.end(image);
    };
    expect(await settled(await register('chunked', '/chunked.qcow2'))).toMatchObject({
      isready: true,
      status: 'Download Complete',
    });
  });

  it('resumes with a Range request when the source closes early, and fails without Range support', async () => {
    let first = true;
    behaviour = (_p, req, res) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (first) {
        first = false;
        res.writeHead(200, { 'content-length': image.length });
        res.write(image.subarray(0, 300_000), () => res.socket?.end());
        return;
      }
      const start = Number(range?.[1] ?? 0);
      res.writeHead(range ? 206 : 200, { 'content-length': image.length - start });
      res.end(image.subarray(start));
    };
    const before = src.requests.length;
    expect(await settled(await register('resumed', '/resume.qcow2'))).toMatchObject({
      isready: true,
      physicalsize: image.length,
    });
    const gets = src.requests.slice(before).filter((r) => r.method === 'GET');
    // the resume asks from what reached the file before the connection ended
    expect(gets.map((r) => r.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    const from = Number(/\d+/.exec(gets[1]!.range ?? '')?.[0]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(300_000);

    behaviour = (_p, _q, res) => {
      res.writeHead(200, { 'content-length': image.length });
      res.write(image.subarray(0, 300_000), () => res.socket?.end());
    };
    expect((await settled(await register('norange', '/norange.qcow2'))).status).toBe(
      'HTTP Server does not support partial get',
    );
  });

  it('checks the content against the format', async () => {
    behaviour = (_p, _q, res) => serveImage(res, Buffer.alloc(4096, 7));
    const t = await settled(await register('notqcow', '/junk.qcow2'));
    expect(t.status).toBe(
      'Failed to install: Template content is unsupported, or mismatch between selected format and template content. Found  :  data',
    );
  });

  it("a source answering 404 is recorded with the downloader's own spacing", async () => {
    behaviour = (_p, _q, res) => void res.writeHead(404).end();
    expect((await settled(await register('missing', '/missing.qcow2'))).status).toBe(
      ' HTTP Server returned 404 (expected 200 OK) ',
    );
  });

  it('downloads at the configured rate, and slower under the slow fault', async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    h.lab.faults.set({ slowDownloads: { bytesPerSec: 512 * 1024 } });
    const started = Date.now();
    const t = await settled(await register('slow', '/slow.qcow2'));
    const seconds = (Date.now() - started) / 1000;
    h.lab.faults.set({ slowDownloads: null });
    expect(t.isready).toBe(true);
    expect(seconds).toBeGreaterThan(1.5);
  });

  it('skips full image stores: a template then has no store at all', async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    h.lab.faults.set({ fullStorage: true });
    try {
      const id = await register('nostore', '/full.qcow2');
      await new Promise((r) => setTimeout(r, 200));
      const res = await h.call('listTemplates', { templatefilter: 'self', id });
      expect((res.json.listtemplatesresponse as { template: Tmpl[] }).template[0]).toMatchObject({
        isready: false,
        status: 'Active',
        downloaddetails: [],
      });
      const stores = (await h.call('listImageStores')).json.listimagestoresresponse as {
        imagestore: { disksizetotal: number; disksizeused: number }[];
      };
      for (const s of stores.imagestore) expect(s.disksizeused / s.disksizetotal).toBeGreaterThanOrEqual(0.95);
    } finally {
      h.lab.faults.clear();
    }
  });

  it("a store that fills up during a download fails it with the disk's error", async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    const stores = h.lab.simulator.state.imageStores;
    const saved = stores.map((s) => [s.baseUsedBytes, s.totalBytes] as const);
    // 2 MB stores at 70 % used: below the 90 % mark, but 600 kB left for a bigger image
    for (const s of stores) {
      const ours = h.lab.simulator.storage.usedBytes(s) - s.baseUsedBytes;
      s.totalBytes = 2_000_000;
      s.baseUsedBytes = 1_400_000 - ours;
    }
    try {
      const t = await settled(await register('nospace', '/nospace.qcow2'));
      expect(t.status).toBe('No space left on device');
    } finally {
      stores.forEach((s, i) => {
        [s.baseUsedBytes, s.totalBytes] = saved[i]!;
      });
    }
  });

  it('deleteTemplate removes the stored copies', async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    const id = await register('gone', '/gone.qcow2');
    await settled(id);
    const tmpl = h.lab.simulator.state.templates.find((t) => t.id === id)!;
    const store = h.lab.simulator.state.imageStores.find((s) => s.id === tmpl.storeRefs[0]!.storeId)!;
    const file = `${h.dir}/cloudstack/secondary/${store.name}/${tmpl.storeRefs[0]!.installPath}`;
    expect(statSync(file).size).toBe(image.length);
    const del = await h.call('deleteTemplate', { id });
    const jobid = (del.json.deletetemplateresponse as { jobid: string }).jobid;
    const job = await until(async () => {
      const j = (await h.call('queryAsyncJobResult', { jobid })).json.queryasyncjobresultresponse as {
        jobstatus: number;
        jobresult?: unknown;
      };
      return j.jobstatus === 0 ? undefined : j;
    });
    expect(job).toMatchObject({ jobstatus: 1, jobresult: { success: true } });
    expect(() => statSync(file)).toThrow();
  });

  // DownloadListener's constructor records ("", NOT_DOWNLOADED); the SSVM's answers arrive every
  // STATUS_POLL_INTERVAL (server/.../storage/download/DownloadListener.java)
  it('reports status "" and NOT_DOWNLOADED until the first progress poll, then the progress', async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    const slowPoll = await scratchLab('poll', { downloadPollMs: 1500 });
    try {
      const res = await slowPoll.call('registerTemplate', {
        name: 'polled',
        displaytext: 'polled',
        url: `${src.base}/polled.qcow2`,
        format: 'QCOW2',
        hypervisor: 'KVM',
        zoneid: slowPoll.lab.zoneId,
        ostypeid: slowPoll.lab.simulator.state.osTypes[0]!.id,
      });
      const id = (res.json.registertemplateresponse as { template: { id: string }[] }).template[0]!.id;
      await new Promise((r) => setTimeout(r, 700)); // the download itself is over by now (1 MiB, no rate limit)
      const list = await slowPoll.call('listTemplates', { templatefilter: 'self', id });
      const early = (list.json.listtemplatesresponse as { template: Tmpl[] }).template[0]!;
      expect(early).toMatchObject({ status: '', isready: false });
      expect(early.downloaddetails[0]).toMatchObject({ downloadState: 'NOT_DOWNLOADED', downloadPercent: '0' });
      const later = await until(async () => {
        const l = await slowPoll.call('listTemplates', { templatefilter: 'self', id });
        const t = (l.json.listtemplatesresponse as { template: Tmpl[] }).template[0]!;
        return t.isready ? t : undefined;
      });
      expect(later.status).toBe('Download Complete');
    } finally {
      await slowPoll.close();
    }
  });

  // DownloadMonitorImpl.initiateTemplateDownload with no SSVM: the row keeps a null error string and
  // TemplateJoinDaoImpl.getTemplateStatus falls back to the template's state, "Active"
  it('a download no SSVM picks up stays NOT_DOWNLOADED with status "Active"', async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    h.lab.faults.set({ downloadsNeverStart: 1 });
    const id = await register('stuck', '/stuck.qcow2');
    await new Promise((r) => setTimeout(r, 500)); // five polls of the scratch lab
    const t = (
      (await h.call('listTemplates', { templatefilter: 'self', id })).json.listtemplatesresponse as {
        template: Tmpl[];
      }
    ).template[0]!;
    expect(t).toMatchObject({ status: 'Active', isready: false });
    expect(t.downloaddetails[0]).toMatchObject({ downloadState: 'NOT_DOWNLOADED', downloadPercent: '0' });
    expect(h.lab.faults.get().downloadsNeverStart).toBe(0);
  });

  // ListTemplatesCmd.listInReadyState; QueryManagerImpl.searchForTemplatesInternal's TemplateFilter.valueOf
  it('featured, selfexecutable, sharedexecutable and community list only ready templates; a bad filter is a 431', async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    const ready = await register('filter-ready', '/filter-ready.qcow2', { ispublic: 'true' });
    await settled(ready);
    h.lab.faults.set({ downloadsNeverStart: 1 });
    const pending = await register('filter-pending', '/filter-pending.qcow2', { ispublic: 'true' });
    const names = async (templatefilter: string) => {
      const res = await h.call('listTemplates', { templatefilter, keyword: 'filter-' });
      expect(res.status).toBe(200);
      return ((res.json.listtemplatesresponse as { template?: { name: string }[] }).template ?? [])
        .map((t) => t.name)
        .sort();
    };
    expect(await names('self')).toEqual(['filter-pending', 'filter-ready']);
    expect(await names('executable')).toEqual(['filter-pending', 'filter-ready']);
    expect(await names('all')).toEqual(['filter-pending', 'filter-ready']);
    expect(await names('selfexecutable')).toEqual(['filter-ready']);
    expect(await names('community')).toEqual(['filter-ready']);
    expect(await names('featured')).toEqual([]);
    expect(await names('sharedexecutable')).toEqual([]);
    expect(pending).toBeTruthy();

    const bad = await h.call('listTemplates', { templatefilter: 'Self' });
    expect(bad.status).toBe(431);
    expect(bad.json.listtemplatesresponse).toEqual({
      uuidList: [],
      errorcode: 431,
      cserrorcode: 9999,
      errortext: 'No enum constant com.cloud.template.VirtualMachineTemplate.TemplateFilter.Self',
    });
  });

  // UriUtils.validateUrl up to 4.12: "Only ports 80, 8080 and 443 are allowed"; 4.13 and later have no such check
  it('as CloudStack 4.12 refuses a template URL on another port than 80, 8080 or 443', async () => {
    behaviour = (_p, _q, res) => serveImage(res);
    const old = await scratchLab('old', { cloudstackVersion: '4.12.0.0' });
    try {
      const caps = await old.call('listCapabilities');
      expect(caps.json.listcapabilitiesresponse).toMatchObject({ capability: { cloudstackversion: '4.12.0.0' } });
      const res = await old.call('registerTemplate', {
        name: 'port',
        displaytext: 'port',
        url: `${src.base}/port.qcow2`,
        format: 'QCOW2',
        hypervisor: 'KVM',
        zoneid: old.lab.zoneId,
        ostypeid: old.lab.simulator.state.osTypes[0]!.id,
      });
      expect(new URL(src.base).port).not.toMatch(/^(80|8080|443)$/);
      expect(res.status).toBe(431);
      expect(res.json.registertemplateresponse).toEqual({
        uuidList: [],
        errorcode: 431,
        cserrorcode: 9999,
        errortext: 'Only ports 80, 8080 and 443 are allowed',
      });
      expect(old.lab.simulator.state.templates).toEqual([]);
    } finally {
      await old.close();
    }
    const caps = await h.call('listCapabilities');
    expect(caps.json.listcapabilitiesresponse).toMatchObject({ capability: { cloudstackversion: '4.18.0.0' } });
  });
});
