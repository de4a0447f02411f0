// The lab CloudStack speaks CloudStack's wire protocol: signature checks,
// envelopes, error shapes and codes, the async-job protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, scratchLab, signed } from './support';

let h: Lab;
beforeAll(async () => {
  h = await scratchLab('protocol', { vmTransitionMs: 400 });
});
afterAll(async () => {
  await h?.close();
});

const PUBLISHED = {
  apikey: 'plgWJfZK4gyS3mOMTVmjUVg-X-jlWlnfaUJ9GAbBbf9EdM-kAYMmAiLqzzq1ElZLYq_u38zCm0bewzGUdP66mg',
  secret: 'VDaACYb0LV9eNjTetIOElcVQkvJck_J_QljX_FcHRj87ZKiy0z0ty0ZsYBkoXkY9b7eq1EhwJaw7FF3akA3KBQ',
  query:
    'apikey=plgWJfZK4gyS3mOMTVmjUVg-X-jlWlnfaUJ9GAbBbf9EdM-kAYMmAiLqzzq1ElZLYq_u38zCm0bewzGUdP66mg&command=listUsers&response=json&signature=TTpdDq%2F7j%2FJ58XCRHomKoQXEQds%3D',
};

describe('lab CloudStack: signatures', () => {
  it('accepts the published example request of a user with the published keys', async () => {
    const users = h.lab.simulator.state.users;
    users.push({
      ...users[0]!,
      id: 'e1f4b8f0-0000-4000-8000-000000000001',
      username: 'doc',
      apiKey: PUBLISHED.apikey,
      secretKey: PUBLISHED.secret,
    });
    const res = await fetch(`${h.lab.endpoint}?${PUBLISHED.query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { listusersresponse: { count: number; user: { username: string }[] } };
    expect(body.listusersresponse.user.map((u) => u.username)).toEqual(['admin', 'doc']);
    const tampered = PUBLISHED.query.replace('listUsers', 'listZones');
    expect((await fetch(`${h.lab.endpoint}?${tampered}`)).status).toBe(401);
  });

  it('verifies values with spaces, *, +, /, ~, quotes, unicode and list parameters', async () => {
    const res = await h.call('listOsTypes', { keyword: "Deb ian*+/~'!() ü€", 'iptonetworklist[0].ip': '10.20.0.5' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ listostypesresponse: {} });
  });

  it('answers a wrong signature, an unknown key, an expired request and an unknown command with the same 401', async () => {
    const body = (name: string) =>
      `{"${name}":{"uuidList":[],"errorcode":401,"errortext":"unable to verify user credentials and/or request signature"}}`;
    const wrong = await fetch(
      `${h.lab.endpoint}?${signed({ command: 'listZones', apikey: h.lab.apiKey, response: 'json' }, 'not-the-secret')}`,
    );
    expect([wrong.status, await wrong.text()]).toEqual([401, body('listzonesresponse')]);
    const unknownKey = await fetch(
      `${h.lab.endpoint}?${signed({ command: 'listZones', apikey: 'nobody', response: 'json' }, h.lab.secretKey)}`,
    );
    expect(unknownKey.status).toBe(401);
    const expired = await h.call('listZones', { signatureversion: '3', expires: '2020-01-31T12:15:00+0000' });
    expect([expired.status, expired.text]).toEqual([401, body('listzonesresponse')]);
    const noExpires = await h.call('listZones', { signatureversion: '3' });
    expect(noExpires.status).toBe(401);
    const future = await h.call('listZones', { signatureversion: '3', expires: '2999-01-31T12:15:00+0000' });
    expect(future.status).toBe(200);
    const unknown = await h.call('listUnicorns');
    expect([unknown.status, unknown.text]).toEqual([401, body('errorresponse')]);
    const unsigned = await fetch(`${h.lab.endpoint}?command=listZones&response=json&apikey=${h.lab.apiKey}`);
    expect(unsigned.status).toBe(401);
  });

  it('answers XML when response=json is missing, as the real default', async () => {
    const res = await h.call('listZones', {}, { response: null });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><listzonesresponse cloud-stack-version="[\d.]+"><count>1<\/count><zone><id>/,
    );
  });
});

describe('lab CloudStack: errors and envelopes', () => {
  it('a missing parameter, a bad number and a bad id are 431 with the real texts', async () => {
    const missing = await h.call('deployVirtualMachine', {});
    expect(missing.status).toBe(431);
    expect(missing.json).toEqual({
      deployvirtualmachineresponse: {
        uuidList: [],
        errorcode: 431,
        cserrorcode: 9999,
        errortext: 'Unable to execute API command deployvirtualmachine due to missing parameter serviceofferingid',
      },
    });
    const badNumber = await h.call('listCapacity', { type: 'six' });
    expect(badNumber.json.listcapacityresponse?.errortext).toBe(
      'Unable to execute API command listcapacity due to invalid value six for parameter type',
    );
    const badId = await h.call('listTemplates', { templatefilter: 'self', id: 'nope' });
    expect(badId.json.listtemplatesresponse?.errortext).toBe(
      'Unable to execute API command listtemplates due to invalid value. Invalid parameter id value=nope due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.',
    );
  });

  it('refuses control characters in any value', async () => {
    const res = await h.call('listZones', { name: 'a\tb' });
    expect(res.status).toBe(431);
    expect(res.json.listzonesresponse?.errortext).toBe(
      'Received value containing illegal ASCII non-printable characters for parameter name',
    );
  });

  it('updateConfiguration changes a setting, and names unknown ones like the real server', async () => {
    const ok = await h.call('updateConfiguration', { name: 'max.template.iso.size', value: '75' });
    expect(ok.json.updateconfigurationresponse?.configuration).toMatchObject({
      name: 'max.template.iso.size',
      value: '75',
      category: 'Advanced',
    });
    const unknown = await h.call('updateConfiguration', { name: 'max.template.size', value: '1' });
    expect(unknown.json).toEqual({
      updateconfigurationresponse: {
        uuidList: [],
        errorcode: 431,
        cserrorcode: 4350,
        errortext: "Config parameter with name max.template.size doesn't exist",
      },
    });
  });
});

describe('lab CloudStack: async jobs', () => {
  it('a deploy from an unknown template is refused before any job exists', async () => {
    const jobs = h.lab.simulator.state.jobs.length;
    const offering = h.lab.simulator.state.serviceOfferings[0]!.id;
    const res = await h.call('deployVirtualMachine', {
      serviceofferingid: offering,
      templateid: '00000000-0000-4000-8000-000000000000',
      zoneid: h.lab.zoneId,
    });
    expect(res.status).toBe(431);
    expect(res.json.deployvirtualmachineresponse?.errortext).toMatch(
      /^Unable to execute API command deployvirtualmachine due to invalid value\. Invalid parameter templateid value=/,
    );
    expect(h.lab.simulator.state.jobs.length).toBe(jobs);
  });

  it('queryAsyncJobResult shows jobstatus 0 without a result, then 1 with it', async () => {
    const net = (await h.call('listNetworks')).json.listnetworksresponse as { network: { id: string }[] };
    const vmState = h.lab.simulator.state;
    const templateId = '11111111-1111-4111-8111-111111111111';
    vmState.templates.push({
      id: templateId,
      dbId: 999,
      kind: 'template',
      name: 'ready',
      displaytext: 'ready',
      url: 'http://127.0.0.1/x.qcow2',
      format: 'QCOW2',
      hypervisor: 'KVM',
      ostypeid: vmState.osTypes[0]!.id,
      zoneid: h.lab.zoneId,
      ispublic: false,
      isfeatured: false,
      isextractable: false,
      passwordenabled: false,
      sshkeyenabled: false,
      requireshvm: true,
      bootable: true,
      isdynamicallyscalable: false,
      directdownload: false,
      checksum: null,
      details: {},
      created: '2025-01-31T12:00:00+0000',
      removed: null,
      accountId: vmState.users[0]!.accountId,
      storeRefs: [
        {
          storeId: vmState.imageStores[0]!.id,
          downloadState: 'DOWNLOADED',
          downloadPercent: 100,
          errorString: null,
          state: 'Ready',
          installPath: 'x',
          size: 1,
          physicalSize: 1,
          downloadedBytes: 1,
        },
      ],
    });
    const offering = vmState.serviceOfferings[0]!.id;
    const submit = await h.call('deployVirtualMachine', {
      serviceofferingid: offering,
      templateid: templateId,
      zoneid: h.lab.zoneId,
      name: 'job-vm',
      networkids: net.network[0]!.id,
    });
    expect(submit.status).toBe(200);
    const answer = submit.json.deployvirtualmachineresponse as { id: string; jobid: string };
    expect(Object.keys(answer)).toEqual(['id', 'jobid']);
    const pending = (await h.call('queryAsyncJobResult', { jobid: answer.jobid })).json.queryasyncjobresultresponse;
    expect(pending).toMatchObject({
      jobid: answer.jobid,
      jobstatus: 0,
      jobprocstatus: 0,
      jobresultcode: 0,
      cmd: 'org.apache.cloudstack.api.command.admin.vm.DeployVMCmdByAdmin',
    });
    expect(pending).not.toHaveProperty('jobresult');
    await new Promise((r) => setTimeout(r, 600));
    const done = (await h.call('queryAsyncJobResult', { jobid: answer.jobid })).json
      .queryasyncjobresultresponse as Record<string, unknown>;
    expect(done).toMatchObject({
      jobstatus: 1,
      jobresultcode: 0,
      jobresulttype: 'object',
      jobinstancetype: 'VirtualMachine',
      jobinstanceid: answer.id,
    });
    expect(done.jobresult).toMatchObject({
      virtualmachine: {
        id: answer.id,
        name: 'job-vm',
        state: 'Running',
        instancename: expect.stringMatching(/^i-2-\d+-VM$/),
      },
    });

    const stop = (await h.call('stopVirtualMachine', { id: answer.id })).json.stopvirtualmachineresponse as Record<
      string,
      unknown
    >;
    expect(Object.keys(stop)).toEqual(['jobid']);
  });
});

// ListApisCmd / ApiDiscoveryServiceImpl / ApiDiscoveryResponse / ApiParameterResponse (plugins/api/discovery)
describe('lab CloudStack: listApis', () => {
  type Api = {
    name: string;
    isasync: boolean;
    params: { name: string; type: string; required: boolean; length: number }[];
  };

  it('lists every command the lab answers, with its parameters, as the discovery plugin does', async () => {
    const res = await h.call('listApis');
    expect(res.status).toBe(200);
    const body = res.json.listapisresponse as { count: number; api: Api[] };
    const names = body.api.map((a) => a.name);
    expect(body.count).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['listApis', 'listTemplates', 'deployVirtualMachine']));
    const deploy = body.api.find((a) => a.name === 'deployVirtualMachine')!;
    expect(deploy.isasync).toBe(true);
    expect(deploy.params).toEqual(
      expect.arrayContaining([
        { name: 'templateid', description: '', type: 'uuid', length: 255, required: true },
        { name: 'networkids', description: '', type: 'list', length: 255, required: false },
        { name: 'iptonetworklist', description: '', type: 'map', length: 255, required: false },
      ]),
    );
    expect(body.api.find((a) => a.name === 'listTemplates')).toMatchObject({ isasync: false, response: [] });
  });

  it('answers one api by name, and a 530 for a name it does not know', async () => {
    const one = (await h.call('listApis', { name: 'listZones' })).json.listapisresponse as { api: Api[] };
    expect(one.api.map((a) => a.name)).toEqual(['listZones']);
    const unknown = await h.call('listApis', { name: 'listNothing' });
    expect(unknown.status).toBe(530);
    expect(unknown.json.listapisresponse).toMatchObject({
      errorcode: 530,
      errortext: 'Api Discovery plugin was unable to find an api by that name or process any apis',
    });
  });
});
