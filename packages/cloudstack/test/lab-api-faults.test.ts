// The lab CloudStack's API faults as this client sees them (how the real
// management server answers each: apps/lab/src/cloudstack/faults.ts): its
// own 530 (errorcode 530, cserrorcode 9999) is final for a write and asked
// again for a read, a proxy's 503 likewise; a failed job is a
// CloudStackJobError with CloudStack's text; a restart cancels the job in
// flight, which then answers jobstatus 2 and 530 without a jobresult.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudStackError, CloudStackJobError } from '../src/index';
import { type LabHarness, startLab } from './support/lab';
import { eventually, type FileServer, makeQcow2, serveFiles } from './support/template-files';

let h: LabHarness;
let files: FileServer;
let tmp: string;
let templateId: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vzferry-cs-apifaults-'));
  const image = makeQcow2(tmp, 'ct500', 1024 * 1024);
  files = await serveFiles({ '/ct500.qcow2': image.path });
  h = await startLab('apifaults');
  const osTypeId = (await h.cs.listOsTypes({ keyword: 'Debian GNU/Linux 12' }))[0]!.id;
  const t = await h.cs.registerTemplate({
    name: 'ct500',
    url: `${files.base}/ct500.qcow2`,
    zoneId: h.lab.zoneId,
    osTypeId,
  });
  templateId = t.id;
  await eventually(async () => ((await h.cs.listTemplates({ id: t.id }))[0]?.isready ? true : undefined));
});
afterAll(async () => {
  await h?.close();
  await files?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function deploy(name: string) {
  const offering = (await h.cs.listServiceOfferings())[0]!;
  return h.cs.deployVirtualMachine({ zoneId: h.lab.zoneId, serviceOfferingId: offering.id, templateId, name });
}

describe('the lab CloudStack API faults', () => {
  it("answers 5xx: CloudStack's own 530 for a write is final, a read is asked again", async () => {
    h.lab.faults.set({
      clear: true,
      apiErrors: [
        { count: 1, status: 530, commands: ['deployVirtualMachine'] },
        { count: 2, status: 503, commands: ['listZones'] },
        { count: 1, status: 530, commands: ['listZones'] },
      ],
    });
    const err = await deploy('ct-500-a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err).toMatchObject({
      httpStatus: 530,
      errorcode: 530,
      cserrorcode: 9999,
      errortext: 'Internal error executing command, please contact your system administrator',
    });
    expect(await h.cs.findVirtualMachineByName('ct-500-a')).toBeNull();
    // two proxy pages and one 530, then the answer: within the read's four tries
    expect((await h.cs.listZones()).map((z) => z.id)).toEqual([h.lab.zoneId]);
    expect(h.lab.faults.get().apiErrors).toEqual([]);
  });

  it('fails a job with CloudStack text before it changes anything', async () => {
    const vm = await deploy('ct-500-b');
    h.lab.faults.set({ clear: true, failJobs: { count: 1, commands: ['stopVirtualMachine'], match: 'ct-500-b' } });
    const err = await h.cs.stopVirtualMachine({ id: vm.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudStackJobError);
    expect(err).toMatchObject({ errorcode: 530, jobresultcode: 530, cserrorcode: null });
    expect((await h.cs.listVirtualMachines({ id: vm.id }))[0]?.state).toBe('Running');
    await expect(h.cs.stopVirtualMachine({ id: vm.id })).resolves.toMatchObject({ state: 'Stopped' });
  });

  it('a restart cancels the job in flight: jobstatus 2, 530, no jobresult', async () => {
    h.lab.faults.set({ clear: true, holdJobs: { count: 1, commands: ['deployVirtualMachine'] } });
    const offering = (await h.cs.listServiceOfferings())[0]!;
    const waiting = h.cs
      .deployVirtualMachine(
        { zoneId: h.lab.zoneId, serviceOfferingId: offering.id, templateId, name: 'ct-500-c' },
        { deadlineMs: 60_000 },
      )
      .catch((e: unknown) => e);
    // the job did its work (the VM runs), but its end is never recorded
    await eventually(async () =>
      (await h.cs.findVirtualMachineByName('ct-500-c'))?.state === 'Running' ? true : undefined,
    );
    const job = h.lab.simulator.state.jobs.find((j) => j.status === 0)!;
    await h.lab.restart();
    const err = await waiting;
    expect(err).toBeInstanceOf(CloudStackJobError);
    expect((err as Error).message).toMatch(
      /failed \(530\): the job failed without a result.*management server restart/,
    );
    const answer = await h.cs.queryAsyncJobResult(job.id);
    expect(answer).toMatchObject({ jobstatus: 2, jobresultcode: 530 });
    expect(answer).not.toHaveProperty('jobresult');
    // what the job did stays: the VM runs
    expect((await h.cs.findVirtualMachineByName('ct-500-c'))?.state).toBe('Running');
  });
});
