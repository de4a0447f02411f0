import { describe, expect, it } from 'vitest';
import { describeSource, type SourceFacts } from './source-state';

const ZONE = 'Europe/Amsterdam';
// the import that saw the container running, before any migration
const IMPORTED = new Date('2026-11-25T09:00:00Z');

const source = (over: Partial<SourceFacts> = {}): SourceFacts => ({
  status: 'running',
  onboot: true,
  lastSeenAt: IMPORTED,
  vanishedAt: null,
  hostName: 'hv1',
  ...over,
});

const migrated = {
  status: 'succeeded' as const,
  downtimeStartedAt: new Date('2026-12-01T01:14:00Z'),
  downtimeEndedAt: new Date('2026-12-01T01:14:07Z'),
  finishedAt: new Date('2026-12-01T01:15:00Z'),
};

describe('describeSource', () => {
  it('repeats the last import, with its date, for a container no migration touched', () => {
    expect(describeSource(source(), null, ZONE)).toEqual({
      status: 'running',
      onboot: true,
      text: 'running, start on boot: yes, as the last import saw it on 25 Nov 2026 at 10:00',
    });
  });

  it('says a migrated container is stopped with onboot no since the migration, not what an older import saw', () => {
    expect(describeSource(source(), migrated, ZONE)).toEqual({
      status: 'stopped',
      onboot: false,
      text: 'stopped, start on boot: no, since the migration on 1 Dec 2026 at 02:14 (the container stays on hv1, stopped); the last import, on 25 Nov 2026 at 10:00, saw it running, start on boot: yes',
    });
  });

  it('believes an import made after the migration', () => {
    const after = new Date('2026-12-02T09:00:00Z');
    expect(describeSource(source({ status: 'stopped', onboot: false, lastSeenAt: after }), migrated, ZONE)).toEqual({
      status: 'stopped',
      onboot: false,
      text: 'stopped, start on boot: no, as the last import saw it on 2 Dec 2026 at 10:00',
    });
  });

  it('says the migration holds it stopped during the downtime', () => {
    const run = {
      status: 'running' as const,
      downtimeStartedAt: migrated.downtimeStartedAt,
      downtimeEndedAt: null,
      finishedAt: null,
    };
    expect(describeSource(source(), run, ZONE).text).toBe(
      'stopped by the migration since 1 Dec 2026 at 02:14; the last import, on 25 Nov 2026 at 10:00, saw it running, start on boot: yes',
    );
  });

  it('says a rollback started it again, and when', () => {
    const run = {
      status: 'failed' as const,
      downtimeStartedAt: new Date('2026-12-01T01:03:00Z'),
      downtimeEndedAt: new Date('2026-12-01T01:31:00Z'),
      finishedAt: new Date('2026-12-01T01:31:02Z'),
    };
    expect(describeSource(source(), run, ZONE)).toEqual({
      status: 'running',
      onboot: true,
      text: 'running again since 1 Dec 2026 at 02:31, started again after the migration stopped it at 1 Dec 2026 at 02:03; the last import, on 25 Nov 2026 at 10:00, saw it running, start on boot: yes',
    });
  });

  it('takes a Retry after a rollback as a new downtime, not as the old one that ended', () => {
    // the rollback's end stays on the run; the Retry stopped the container again later
    const run = {
      status: 'running' as const,
      downtimeStartedAt: new Date('2026-12-01T03:00:00Z'),
      downtimeEndedAt: new Date('2026-12-01T01:31:00Z'),
      finishedAt: null,
    };
    expect(describeSource(source(), run, ZONE)).toMatchObject({
      status: 'stopped',
      text: expect.stringMatching(/^stopped by the migration since 1 Dec 2026 at 04:00;/),
    });
  });

  it('a failure before the downtime leaves the inventory as it was', () => {
    const run = {
      status: 'failed' as const,
      downtimeStartedAt: null,
      downtimeEndedAt: null,
      finishedAt: migrated.finishedAt,
    };
    expect(describeSource(source(), run, ZONE).status).toBe('running');
  });

  it('says a container the import no longer finds is gone from its host', () => {
    expect(describeSource(source({ vanishedAt: new Date('2026-11-28T08:00:00Z') }), null, ZONE)).toEqual({
      status: 'unknown',
      onboot: null,
      text: 'not found on hv1 by the import on 28 Nov 2026 at 09:00; before that, it was running, start on boot: yes',
    });
  });
});
