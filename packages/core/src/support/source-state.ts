// The source container's state as the pipeline left it. The inventory's
// status and onboot columns are what the last import saw; a migration after
// that import stopped the container (stop_source) and set onboot to no
// (cleanup), a rollback started it again. So the newest of the two wins,
// and the sentence says where its facts come from and when.
import { type RunFacts, withCurrentDowntime } from './container-state';
import { formatDateTimeIn, knownZone } from './zoned-time';

export interface SourceFacts {
  /** the inventory's status column: running, stopped, mounted, suspended, unknown */
  status: string;
  onboot: boolean | null;
  /** when the last import saw it */
  lastSeenAt: Date;
  vanishedAt: Date | null;
  hostName: string;
}

export interface SourceState {
  /** what it is now, as far as anyone knows */
  status: string;
  onboot: boolean | null;
  text: string;
}

type SourceRun = Pick<RunFacts, 'status' | 'downtimeStartedAt' | 'downtimeEndedAt' | 'finishedAt'>;

const onbootWords = (onboot: boolean | null) => (onboot === null ? 'unknown' : onboot ? 'yes' : 'no');

/** The source container's state from the last import and the latest run (null: never in a batch). */
export function describeSource(source: SourceFacts, latest: SourceRun | null, timeZone: string): SourceState {
  const run = latest && withCurrentDowntime(latest);
  const zone = knownZone(timeZone);
  const at = (d: Date) => formatDateTimeIn(d, zone);
  const imported = `${source.status}, start on boot: ${onbootWords(source.onboot)}`;
  const seen = `the last import, on ${at(source.lastSeenAt)}, saw it ${imported}`;
  if (source.vanishedAt)
    return {
      status: 'unknown',
      onboot: null,
      text: `not found on ${source.hostName} by the import on ${at(source.vanishedAt)}; before that, it was ${imported}`,
    };
  const pipelineMoved = run?.downtimeStartedAt;
  // an import after the pipeline's last move saw the result of it: the inventory is the newest fact
  const lastMove = run?.downtimeEndedAt ?? run?.finishedAt ?? run?.downtimeStartedAt ?? null;
  if (!run || !pipelineMoved || (lastMove && source.lastSeenAt > lastMove))
    return {
      status: source.status,
      onboot: source.onboot,
      text: `${imported}, as the last import saw it on ${at(source.lastSeenAt)}`,
    };
  const stoppedAt = at(run.downtimeStartedAt!);
  if (run.status === 'succeeded')
    return {
      status: 'stopped',
      onboot: false,
      text: `stopped, start on boot: no, since the migration on ${stoppedAt} (the container stays on ${source.hostName}, stopped); ${seen}`,
    };
  if (!run.downtimeEndedAt)
    return {
      status: 'stopped',
      onboot: source.onboot,
      text: `stopped by the migration since ${stoppedAt}; ${seen}`,
    };
  if (run.status === 'failed' || run.status === 'cancelled')
    return {
      status: 'running',
      onboot: source.onboot,
      text: `running again since ${at(run.downtimeEndedAt)}, started again after the migration stopped it at ${stoppedAt}; ${seen}`,
    };
  // the VM answers and cleanup is still going
  return {
    status: 'stopped',
    onboot: source.onboot,
    text: `stopped since the switch-over at ${stoppedAt}; its VM runs since ${at(run.downtimeEndedAt)}; ${seen}`,
  };
}
