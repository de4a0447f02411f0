import { describe, expect, it } from 'vitest';
import type { RunView } from '@/api/runs';
import { isAtEnd, logLines } from './run-log';

type LogEvent = RunView['events'][number];
let n = 0;
const ev = (over: Partial<LogEvent>): LogEvent => ({
  id: String(++n),
  stage: 'initial_sync',
  at: '2026-12-05T10:11:12.000Z',
  level: 'info',
  kind: 'event',
  stream: null,
  message: 'm',
  ...over,
});

describe('logLines', () => {
  it('marks commands, stderr, warnings and errors, and gives stdout no mark', () => {
    const lines = logLines([
      ev({ kind: 'command', message: "rsync -aHAXS -e 'ssh -p 22' root@hv1:/vz/private/101/ /mnt/" }),
      ev({ kind: 'output', stream: 'stdout', message: 'sent 971 bytes' }),
      ev({ kind: 'output', stream: 'stderr', level: 'warn', message: 'file vanished' }),
      ev({ level: 'warn', message: 'retrying' }),
      ev({ level: 'error', message: 'initial_sync failed' }),
    ]);
    expect(lines.map((l) => [l.mark, l.tone, l.time])).toEqual([
      ['$', 'command', '10:11:12'],
      ['', 'output', '10:11:12'],
      ['!', 'stderr', '10:11:12'],
      ['WARN', 'warn', '10:11:12'],
      ['ERROR', 'error', '10:11:12'],
    ]);
  });

  it('puts a heading where a new stage begins, not on every line of it', () => {
    const lines = logLines([
      ev({ stage: 'preflight' }),
      ev({ stage: 'preflight' }),
      ev({ stage: null, message: 'cancel requested' }),
      ev({ stage: 'preflight' }),
      ev({ stage: 'prepare_source' }),
    ]);
    expect(lines.map((l) => l.stageHeading)).toEqual(['preflight', null, null, null, 'prepare_source']);
  });
});

describe('isAtEnd', () => {
  it('is true at the end and within a line of it, false once the reader scrolled up', () => {
    expect(isAtEnd({ scrollTop: 600, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isAtEnd({ scrollTop: 590, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isAtEnd({ scrollTop: 300, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
    // a log shorter than its box is always at its end
    expect(isAtEnd({ scrollTop: 0, scrollHeight: 200, clientHeight: 400 })).toBe(true);
  });
});
