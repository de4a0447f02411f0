// The run page's log: lines shaped for reading (time, a mark for commands,
// errors and stderr, a heading where the next stage begins), and whether the
// reader is at the end, where the view keeps following new lines.
import type { RunView } from '@/api/runs';

type LogEvent = RunView['events'][number];

export type LineTone = 'command' | 'stderr' | 'error' | 'warn' | 'output' | 'event';

export interface LogLine {
  id: string;
  /** HH:MM:SS, UTC */
  time: string;
  /** "$" a command, "!" stderr, the level of an event ("ERROR"); blank for stdout */
  mark: string;
  text: string;
  tone: LineTone;
  /** set on the first line of a stage, when the stage changes */
  stageHeading: string | null;
}

function toneOf(e: LogEvent): LineTone {
  if (e.kind === 'command') return 'command';
  if (e.kind === 'output') return e.stream === 'stderr' ? 'stderr' : 'output';
  if (e.level === 'error') return 'error';
  if (e.level === 'warn') return 'warn';
  return 'event';
}

const MARKS: Record<LineTone, string> = {
  command: '$',
  stderr: '!',
  output: '',
  error: 'ERROR',
  warn: 'WARN',
  event: '',
};

/** The events, oldest first as the API gives them, as the lines the page shows. */
export function logLines(events: readonly LogEvent[]): LogLine[] {
  let stage: string | null = null;
  return events.map((e) => {
    const heading = e.stage !== null && e.stage !== stage ? e.stage : null;
    if (e.stage !== null) stage = e.stage;
    const tone = toneOf(e);
    return { id: e.id, time: e.at.slice(11, 19), mark: MARKS[tone], text: e.message, tone, stageHeading: heading };
  });
}

/** Within a line's height of the end: the view follows new lines while the reader is here. */
export function isAtEnd(box: { scrollTop: number; scrollHeight: number; clientHeight: number }, slack = 24): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= slack;
}
