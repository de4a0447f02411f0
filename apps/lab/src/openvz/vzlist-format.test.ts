// The lab's vzlist printers reproduce the samples in test/samples/openvz byte for byte:
// each sample is parsed, its values fed to the printer, and the text must
// come back unchanged.
import { parseVzlistJson, UBC_NAMES, UNLIMITED, type Limit, type VzlistContainer } from '@vzferry/openvz';
import { readSample } from '@vzferry/openvz/testing';
import { describe, expect, it } from 'vitest';
import { LONG_MAX, renderVzlistJson, renderVzlistText, type Quota, type Ubc, type VzlistRecord } from './vzlist-format';

const big = (l: Limit) => (l === UNLIMITED ? LONG_MAX : l);

function toRecord(c: VzlistContainer): VzlistRecord {
  const ubc = Object.fromEntries(
    UBC_NAMES.map((n) => {
      const u = c[n]!;
      return [
        n,
        {
          held: u.held,
          maxheld: u.maxheld,
          barrier: big(u.barrier),
          limit: big(u.limit),
          failcnt: u.failcnt,
        } satisfies Ubc,
      ];
    }),
  ) as VzlistRecord['ubc'];
  const quota = (q: VzlistContainer['diskspace']): Quota | null =>
    q ? { usage: q.usage, softlimit: big(q.softlimit), hardlimit: big(q.hardlimit) } : null;
  return {
    ctid: c.ctid,
    private: c.private,
    root: c.root,
    mount_opts: c.mount_opts ?? null,
    origin_sample: c.origin_sample ?? null,
    hostname: c.hostname,
    name: c.name,
    description: c.description,
    ostemplate: c.ostemplate,
    ip: c.ip,
    nameserver: c.nameserver,
    searchdomain: c.searchdomain,
    status: c.status,
    ubc,
    diskspace: quota(c.diskspace),
    diskinodes: quota(c.diskinodes),
    laverage: c.laverage ?? null,
    uptime: c.uptime ?? 0,
    cpulimit: c.cpulimit ?? 0,
    cpuunits: c.cpuunits ?? 0,
    cpus: c.cpus,
    onboot: c.onboot,
    layout: c.layout === '???' ? 'simfs' : c.layout,
    vswap: c.vswap ?? false,
    disabled: c.disabled ?? false,
    netfilter: c.netfilter ?? null,
  };
}

describe('vzlist printers', () => {
  const sample = readSample('openvz/vzlist-a-j.jsonc');
  const records = parseVzlistJson(sample).map(toRecord);

  it('prints `vzlist -a -j` exactly like the reference sample', () => {
    expect(renderVzlistJson(records)).toBe(sample);
  });

  it('prints [] for no containers (vzlist then exits 1)', () => {
    expect(renderVzlistJson([])).toBe('[]\n');
  });

  it('prints the text columns of `vzlist -a -H -o ctid,hostname,ip,status` like the sample', () => {
    const expected = readSample('openvz/vzlist-a-H-o_ctid_hostname_ip_status.txt')
      .split('\n')
      .filter((l) => !l.includes(' 103 '))
      .join('\n');
    expect(renderVzlistText(records, ['ctid', 'hostname', 'ip', 'status'], false)).toBe(expected);
  });

  it('prints plain `vzlist -a` with its header like the sample', () => {
    const expected = readSample('openvz/vzlist-a.txt')
      .split('\n')
      .filter((l) => !l.includes(' 103 '))
      .join('\n');
    expect(renderVzlistText(records)).toBe(expected);
  });

  it('shows every IP only when ip is the last column, and cuts long hostnames elsewhere', () => {
    const r = { ...records[1]!, hostname: 'a-very-long-hostname-that-is-longer-than-32.example.com' };
    expect(renderVzlistText([r], ['ctid', 'ip'], false)).toBe('       102 10.0.0.102 2001:db8::102\n');
    expect(renderVzlistText([r], ['ip', 'hostname', 'ctid'], false)).toBe(
      '10.0.0.102      a-very-long-hostname-that-is-lon        102\n',
    );
  });
});
