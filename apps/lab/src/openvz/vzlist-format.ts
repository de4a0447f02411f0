// What the lab's `vzlist` prints, byte for byte like vzctl 4.x (kolyshkin/
// vzctl src/vzlist.c @ a3f732ef7519): the JSON printer (print_one_ve_json:
// two-space indent, fields in the order of the field table, lists on one
// line, beancounters as {held, maxheld, barrier, limit, failcnt}, disk
// quota {usage, softlimit, hardlimit} in 1 KiB blocks, uptime with three
// decimals, load average with two, null for unset) and the fixed-width text
// printer. The reference samples are the test (vzlist-format.test.ts).
import { UBC_NAMES } from '@vzferry/openvz';

export const LONG_MAX = 9223372036854775807n;

export interface Ubc {
  held: bigint;
  maxheld: bigint;
  barrier: bigint;
  limit: bigint;
  failcnt: bigint;
}

export interface Quota {
  usage: bigint;
  softlimit: bigint;
  hardlimit: bigint;
}

export type VzStatusText = 'running' | 'stopped' | 'mounted' | 'suspended';

/** One container as vzlist knows it, in field-table order. */
export interface VzlistRecord {
  ctid: number;
  private: string | null;
  root: string | null;
  mount_opts: string | null;
  origin_sample: string | null;
  hostname: string | null;
  name: string | null;
  description: string | null;
  ostemplate: string | null;
  ip: string[];
  nameserver: string[];
  searchdomain: string[];
  status: VzStatusText;
  ubc: Record<(typeof UBC_NAMES)[number], Ubc>;
  diskspace: Quota | null;
  diskinodes: Quota | null;
  laverage: [number, number, number] | null;
  uptime: number;
  cpulimit: number;
  cpuunits: number;
  cpus: number;
  onboot: boolean | null;
  layout: 'simfs' | 'ploop';
  vswap: boolean;
  disabled: boolean;
  netfilter: string | null;
}

const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
const list = (v: string[]) => `[${v.map((s) => JSON.stringify(s)).join(', ')}]`;
const bool = (v: boolean | null) => (v === null ? 'null' : String(v));

function object(fields: [string, string][], indent: string): string {
  const inner = `${indent}  `;
  return `{\n${fields.map(([k, v]) => `${inner}"${k}": ${v}`).join(',\n')}\n${indent}}`;
}

function ubc(u: Ubc, indent: string): string {
  return object(
    [
      ['held', String(u.held)],
      ['maxheld', String(u.maxheld)],
      ['barrier', String(u.barrier)],
      ['limit', String(u.limit)],
      ['failcnt', String(u.failcnt)],
    ],
    indent,
  );
}

function quota(q: Quota | null, indent: string): string {
  if (!q) return 'null';
  return object(
    [
      ['usage', String(q.usage)],
      ['softlimit', String(q.softlimit)],
      ['hardlimit', String(q.hardlimit)],
    ],
    indent,
  );
}

function record(r: VzlistRecord): string {
  const i = '    ';
  const fields: [string, string][] = [
    ['ctid', String(r.ctid)],
    ['veid', String(r.ctid)],
    ['vpsid', String(r.ctid)],
    ['private', str(r.private)],
    ['root', str(r.root)],
    ['mount_opts', str(r.mount_opts)],
    ['origin_sample', str(r.origin_sample)],
    ['hostname', str(r.hostname)],
    ['name', str(r.name)],
    // smart_name: the name if set, else the CTID as a number
    ['smart_name', r.name !== null ? JSON.stringify(r.name) : String(r.ctid)],
    ['description', str(r.description)],
    ['ostemplate', str(r.ostemplate)],
    ['ip', list(r.ip)],
    ['nameserver', list(r.nameserver)],
    ['searchdomain', list(r.searchdomain)],
    ['status', JSON.stringify(r.status)],
    ...UBC_NAMES.map((n): [string, string] => [n, ubc(r.ubc[n], i)]),
    ['diskspace', quota(r.diskspace, i)],
    ['diskinodes', quota(r.diskinodes, i)],
    ['laverage', r.laverage ? `[${r.laverage.map((x) => x.toFixed(2)).join(', ')}]` : 'null'],
    ['uptime', r.uptime.toFixed(3)],
    ['cpulimit', String(r.cpulimit)],
    ['cpuunits', String(r.cpuunits)],
    ['cpus', String(r.cpus)],
    ['ioprio', '0'],
    ['iolimit', '0'],
    ['iopslimit', '0'],
    ['onboot', bool(r.onboot)],
    ['bootorder', 'null'],
    ['layout', JSON.stringify(r.layout)],
    ['features', 'null'],
    ['vswap', bool(r.vswap)],
    ['disabled', bool(r.disabled)],
    ['vm_overcommit', '0'],
    ['netfilter', str(r.netfilter)],
    ['capability', 'null'],
  ];
  return object(fields, '  ');
}

/** `vzlist -a -j`: the array, or `[]` (vzlist then exits 1) when there is no container. */
export function renderVzlistJson(records: VzlistRecord[]): string {
  if (records.length === 0) return '[]\n';
  return `[\n${records.map((r) => `  ${record(r)}`).join(',\n')}\n]\n`;
}

// print_one_ve text columns: width, alignment, header (vzlist.c field table)
const TEXT_FIELDS = {
  ctid: { width: 10, right: true, header: 'CTID' },
  numproc: { width: 10, right: true, header: 'NPROC' },
  status: { width: 9, right: false, header: 'STATUS' },
  ip: { width: 15, right: false, header: 'IP_ADDR' },
  hostname: { width: 32, right: false, header: 'HOSTNAME' },
  name: { width: 32, right: false, header: 'NAME' },
  ostemplate: { width: 32, right: false, header: 'OSTEMPLATE' },
  diskspace: { width: 10, right: true, header: 'DQBLOCKS' },
  onboot: { width: 6, right: false, header: 'ONBOOT' },
  layout: { width: 6, right: false, header: 'LAYOUT' },
} as const;

export type TextField = keyof typeof TEXT_FIELDS;
export const DEFAULT_FIELDS: TextField[] = ['ctid', 'numproc', 'status', 'ip', 'hostname'];

export function isTextField(f: string): f is TextField {
  return Object.hasOwn(TEXT_FIELDS, f);
}

function cell(r: VzlistRecord, f: TextField, last: boolean): string {
  const spec = TEXT_FIELDS[f];
  let v: string;
  switch (f) {
    case 'ctid':
      v = String(r.ctid);
      break;
    case 'numproc':
      v = r.status === 'running' ? String(r.ubc.numproc.held) : '-';
      break;
    case 'ip':
      // a list column shows every item only when it is the last one
      v = r.ip.length === 0 ? '-' : last ? r.ip.join(' ') : r.ip[0]!;
      break;
    case 'diskspace':
      v = r.diskspace ? String(r.diskspace.usage) : '-';
      break;
    case 'onboot':
      v = r.onboot ? 'yes' : 'no';
      break;
    default:
      v = (r[f] as string | null) ?? '-';
  }
  if (!last && v.length > spec.width) v = v.slice(0, spec.width);
  return spec.right ? v.padStart(spec.width) : v.padEnd(spec.width);
}

/** `vzlist -a [-H] [-o f1,f2,...]`: one space between columns, trailing spaces trimmed. */
export function renderVzlistText(records: VzlistRecord[], fields: TextField[] = DEFAULT_FIELDS, header = true): string {
  const lines: string[] = [];
  if (header) {
    lines.push(
      fields
        .map((f) =>
          TEXT_FIELDS[f].right
            ? TEXT_FIELDS[f].header.padStart(TEXT_FIELDS[f].width)
            : TEXT_FIELDS[f].header.padEnd(TEXT_FIELDS[f].width),
        )
        .join(' ')
        .trimEnd(),
    );
  }
  for (const r of records)
    lines.push(
      fields
        .map((f, i) => cell(r, f, i === fields.length - 1))
        .join(' ')
        .trimEnd(),
    );
  return lines.map((l) => `${l}\n`).join('');
}

/** `vzlist -L`: every field name with its header. */
export function renderFieldList(): string {
  return Object.entries(TEXT_FIELDS)
    .map(([name, spec]) => `${name.padEnd(20)} ${spec.header}\n`)
    .join('');
}
