// The lab CloudStack keeps its state in the lab dir: a restart keeps keys,
// templates, VMs and settings, and a template still downloading starts over.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabHarness, startLab } from './support/lab';
import { eventually, type FileServer, makeQcow2, serveFiles } from './support/template-files';

let h: LabHarness;
let files: FileServer;
let tmp: string;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vzferry-cs-restart-'));
  const image = makeQcow2(tmp, 'ct400', 2 * 1024 * 1024);
  files = await serveFiles(
    { '/a/ct400.qcow2': image.path, '/slow/ct401.qcow2': image.path },
    { bytesPerSec: 1024 * 1024 },
  );
  h = await startLab('restart');
});
afterAll(async () => {
  await h?.close();
  await files?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('lab CloudStack state across a restart', () => {
  it('keeps keys, settings, templates and VMs, and restarts an interrupted download', async () => {
    const { zoneId, apiKey } = h.lab;
    const osTypeId = (await h.cs.listOsTypes({ keyword: 'Debian GNU/Linux 12' }))[0]!.id;
    const ready = await h.cs.registerTemplate({ name: 'ct400', url: `${files.base}/a/ct400.qcow2`, zoneId, osTypeId });
    await eventually(async () => ((await h.cs.listTemplates({ id: ready.id }))[0]?.isready ? true : undefined));
    const net = (await h.cs.listNetworks({ zoneId })).find((n) => n.cidr === '10.30.0.0/24')!;
    const offering = (await h.cs.listServiceOfferings())[0]!;
    const vm = await h.cs.deployVirtualMachine({
      zoneId,
      serviceOfferingId: offering.id,
      templateId: ready.id,
      name: 'ct-400',
      ipToNetworkList: [{ networkId: net.id, ip: '10.30.0.40' }],
    });
    h.lab.setSetting('max.template.iso.size', '123');
    const downloading = await h.cs.registerTemplate({
      name: 'ct401',
      url: `${files.base}/slow/ct401.qcow2`,
      zoneId,
      osTypeId,
    });
    await eventually(async () =>
      /^[1-9]\d?% Downloaded$/.test((await h.cs.listTemplates({ id: downloading.id }))[0]?.status ?? '')
        ? true
        : undefined,
    );

    await h.restart();

    expect(h.lab).toMatchObject({ zoneId, apiKey });
    expect((await h.cs.getConfiguration('max.template.iso.size'))?.value).toBe('123');
    expect((await h.cs.listTemplates({ id: ready.id }))[0]).toMatchObject({
      isready: true,
      status: 'Download Complete',
    });
    expect(await h.cs.findVirtualMachineByName('ct-400')).toMatchObject({
      id: vm.id,
      state: 'Running',
      nic: [expect.objectContaining({ ipaddress: '10.30.0.40' })],
    });
    const resumed = await eventually(async () => {
      const [t] = await h.cs.listTemplates({ id: downloading.id });
      return t?.isready ? t : undefined;
    });
    expect(resumed.status).toBe('Download Complete');
    expect(files.gets.get('/slow/ct401.qcow2')).toBe(2);
  });
});
