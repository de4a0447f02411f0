// `vzctl status <CTID>` -> its state. kolyshkin/vzctl src/vzctl-actions.c
// show_status: printf("CTID %d %s %s %s%s\n", exist ? "exist" : "deleted",
// mounted ? "mounted" : "unmounted", run ? "running" : "down",
// suspended ? " suspended" : "").
import { toCtid, type Ctid } from './ctid';
import { OpenVzParseError } from './parse-error';

export interface VzctlStatus {
  ctid: Ctid;
  exists: boolean;
  mounted: boolean;
  running: boolean;
  suspended: boolean;
}

const LINE = /^CTID ([0-9]+) (exist|deleted) (mounted|unmounted) (running|down)( suspended)?$/;

export function parseVzctlStatus(output: string, expectedCtid?: Ctid): VzctlStatus {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // ploop containers may log lines before it; the status line is the last
  const line = lines[lines.length - 1] ?? '';
  const m = LINE.exec(line);
  if (!m)
    throw new OpenVzParseError(
      'vzctl status output',
      `expected "CTID <id> exist|deleted mounted|unmounted running|down", got ${JSON.stringify(line)}`,
    );
  const status: VzctlStatus = {
    ctid: toCtid(m[1]),
    exists: m[2] === 'exist',
    mounted: m[3] === 'mounted',
    running: m[4] === 'running',
    suspended: m[5] !== undefined,
  };
  if (expectedCtid !== undefined && status.ctid !== expectedCtid) {
    throw new OpenVzParseError('vzctl status output', `asked for container ${expectedCtid}, got ${status.ctid}`);
  }
  return status;
}
