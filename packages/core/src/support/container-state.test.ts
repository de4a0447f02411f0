import { describe, expect, it } from 'vitest';
import {
  describeContainerState,
  failureInWords,
  plannedSwitchOver,
  type ContainerFacts,
  type RunFacts,
  type StateInput,
} from './container-state';

// Mon 30 Nov 2026, 12:00 UTC (13:00 in Amsterdam)
const NOW = new Date('2026-11-30T12:00:00Z');
const AMS = 'Europe/Amsterdam';

const container = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  downtimeWindow: null,
  vanishedAt: null,
  ...over,
});

function run(over: Partial<RunFacts> = {}, batch: Partial<RunFacts['batch']> = {}): RunFacts {
  return {
    status: 'queued',
    currentStage: null,
    failedStage: null,
    errorCode: null,
    error: null,
    createdAt: new Date('2026-11-29T09:00:00Z'),
    startedAt: null,
    finishedAt: null,
    plannedWindowStart: null,
    plannedWindowEnd: null,
    downtimeStartedAt: null,
    downtimeEndedAt: null,
    cloudstackVmName: null,
    vmNetworks: [],
    ...over,
    batch: { name: 'wave-3', status: 'running', startAt: null, ...batch },
  };
}

const state = (input: Partial<StateInput>) =>
  describeContainerState({ container: container(), run: null, timeZone: AMS, now: NOW, ...input });

describe('describeContainerState', () => {
  it('says a container that was never in a batch is not planned', () => {
    expect(state({})).toEqual({ kind: 'not_planned', text: 'Not planned yet' });
  });

  it('says a cancelled migration left it on the old server, and when', () => {
    const s = state({ run: run({ status: 'cancelled', finishedAt: new Date('2026-11-29T10:05:00Z') }) });
    expect(s).toEqual({
      kind: 'not_planned',
      text: 'Not planned: its migration in batch wave-3 was cancelled on 29 Nov 2026 at 11:05; it runs on the old server',
    });
  });

  it('says a container the import no longer finds is gone, unless it was migrated', () => {
    const vanishedAt = new Date('2026-11-28T08:00:00Z');
    expect(state({ container: container({ vanishedAt }) })).toEqual({
      kind: 'vanished',
      text: 'Not migrated; no longer found on its old server by the import on 28 Nov 2026 at 09:00',
    });
    expect(state({ container: container({ vanishedAt }), run: run({ status: 'succeeded' }) }).kind).toBe('migrated');
  });

  it('says a run in a batch that has not started has no date yet', () => {
    expect(state({ run: run({ status: 'pending' }, { status: 'draft' }) })).toEqual({
      kind: 'planned',
      text: 'Planned in batch wave-3; no date set yet',
    });
  });

  it("schedules a queued run in the customer's first window after the batch starts", () => {
    // the batch starts Tue 1 Dec 00:00 UTC (01:00 in Amsterdam); the window opens at 02:00 there
    const s = state({
      container: container({ downtimeWindow: 'Tue 02:00-04:00' }),
      run: run({}, { status: 'scheduled', startAt: new Date('2026-12-01T00:00:00Z') }),
    });
    expect(s).toEqual({
      kind: 'scheduled',
      text: 'Scheduled for Tue 1 Dec 2026, 02:00–04:00 Europe/Amsterdam (batch wave-3)',
    });
  });

  it('shows the same window on the clock of another customer zone', () => {
    const s = state({
      timeZone: 'Asia/Tokyo',
      container: container({ downtimeWindow: 'Tue 02:00-04:00' }),
      run: run({}, { status: 'scheduled', startAt: new Date('2026-12-01T00:00:00Z') }),
    });
    // 00:00 UTC is 09:00 in Tokyo, past Tuesday's 02:00: the next Tuesday
    expect(s.text).toBe('Scheduled for Tue 8 Dec 2026, 02:00–04:00 Asia/Tokyo (batch wave-3)');
  });

  it('schedules by the batch start when no window is agreed', () => {
    const s = state({ run: run({}, { status: 'scheduled', startAt: new Date('2026-12-01T00:00:00Z') }) });
    expect(s).toEqual({
      kind: 'scheduled',
      text: 'Scheduled: batch wave-3 starts Tue 1 Dec 2026 at 01:00 Europe/Amsterdam; no downtime window agreed, so the switch-over follows the copy',
    });
  });

  it('says a queued run without a window waits for a converter', () => {
    expect(state({ run: run() })).toEqual({
      kind: 'queued',
      text: 'Queued in batch wave-3: the copy starts when a converter is free; no downtime window agreed, so the switch-over follows the copy',
    });
  });

  it('takes the window await_cutover chose over the next one of the spec', () => {
    const s = state({
      container: container({ downtimeWindow: 'Sat 02:00-05:00' }),
      run: run({
        status: 'waiting',
        currentStage: 'await_cutover',
        plannedWindowStart: new Date('2026-12-12T01:00:00Z'),
        plannedWindowEnd: new Date('2026-12-12T04:00:00Z'),
      }),
    });
    expect(s).toEqual({
      kind: 'scheduled',
      text: 'Scheduled for Sat 12 Dec 2026, 02:00–05:00 Europe/Amsterdam (batch wave-3)',
    });
  });

  it('says a paused batch holds the container on the old server', () => {
    expect(state({ run: run({ status: 'running', currentStage: 'initial_sync' }, { status: 'paused' }) })).toEqual({
      kind: 'on_hold',
      text: 'On hold: batch wave-3 is paused; it runs on the old server',
    });
  });

  it('names the stage of a run in progress and whether the container is offline', () => {
    expect(state({ run: run({ status: 'running', currentStage: 'initial_sync' }) })).toEqual({
      kind: 'in_progress',
      text: 'In progress: initial_sync; still online on the old server (no downtime yet)',
    });
    expect(
      state({
        container: container({ downtimeWindow: 'Tue 02:00-04:00' }),
        run: run({ status: 'running', currentStage: 'initial_sync' }),
      }).text,
    ).toBe(
      'In progress: initial_sync; still online on the old server; switch-over scheduled for Tue 1 Dec 2026, 02:00–04:00 Europe/Amsterdam',
    );
    expect(
      state({
        run: run({
          status: 'running',
          currentStage: 'final_sync',
          downtimeStartedAt: new Date('2026-11-30T11:58:00Z'),
        }),
      }),
    ).toEqual({ kind: 'in_progress', text: 'In progress: final_sync; offline for the switch-over since 12:58' });
  });

  it('says the container is online as its VM once the downtime ended, before cleanup finished', () => {
    const s = state({
      run: run({
        status: 'running',
        currentStage: 'cleanup',
        downtimeStartedAt: new Date('2026-11-30T11:50:00Z'),
        downtimeEndedAt: new Date('2026-11-30T11:54:30Z'),
        cloudstackVmName: 'vz1041-3f2a9c',
      }),
    });
    expect(s.text).toBe(
      'In progress: cleanup; online again as VM vz1041-3f2a9c since 12:54, after 4 min 30 s of downtime',
    );
  });

  it('says a migrated container moved when, how long it was down, and which VM and network it is now', () => {
    const s = state({
      run: run({
        status: 'succeeded',
        currentStage: 'cleanup',
        downtimeStartedAt: new Date('2026-12-01T01:14:00Z'),
        downtimeEndedAt: new Date('2026-12-01T01:14:07Z'),
        finishedAt: new Date('2026-12-01T01:15:00Z'),
        cloudstackVmName: 'vz1041-3f2a9c',
        vmNetworks: ['lab-net-10'],
      }),
    });
    expect(s).toEqual({
      kind: 'migrated',
      text: 'Migrated on 1 Dec 2026 at 02:14, 7 s of downtime; now VM vz1041-3f2a9c on network lab-net-10',
    });
  });

  it('says a failure during the downtime put the container back on the old server, and since when', () => {
    const s = state({
      run: run({
        status: 'failed',
        currentStage: 'register_template',
        failedStage: 'register_template',
        downtimeStartedAt: new Date('2026-12-01T01:03:00Z'),
        downtimeEndedAt: new Date('2026-12-01T01:31:00Z'),
        finishedAt: new Date('2026-12-01T01:31:02Z'),
      }),
    });
    expect(s).toEqual({
      kind: 'failed',
      text: 'Failed at register_template on 1 Dec 2026 at 02:31; back online on the old server since 02:31',
    });
  });

  it('takes a Retry after a rollback as offline again, though the rollback left its older end behind', () => {
    const s = state({
      run: run({
        status: 'running',
        currentStage: 'final_sync',
        downtimeStartedAt: new Date('2026-11-30T11:58:00Z'),
        downtimeEndedAt: new Date('2026-11-30T10:31:00Z'),
      }),
    });
    expect(s).toEqual({
      kind: 'in_progress',
      text: 'In progress: final_sync; offline for the switch-over since 12:58',
    });
  });

  it('says a failure before the downtime never took the container offline', () => {
    const s = state({
      run: run({ status: 'failed', failedStage: 'preflight', finishedAt: new Date('2026-11-30T10:00:00Z') }),
    });
    expect(s.text).toBe(
      'Failed at preflight on 30 Nov 2026 at 11:00; it never went offline and runs on the old server',
    );
  });

  it('says a rollback is bringing the container back', () => {
    const s = state({
      run: run({
        status: 'rolling_back',
        currentStage: 'deploy_vm',
        failedStage: 'deploy_vm',
        downtimeStartedAt: new Date('2026-11-30T11:40:00Z'),
      }),
    });
    expect(s).toEqual({
      kind: 'rolling_back',
      text: 'Problem at deploy_vm: being started again on the old server (offline since 12:40)',
    });
  });
});

describe('plannedSwitchOver', () => {
  const input = (over: Partial<StateInput>): StateInput => ({
    container: container(),
    run: run(),
    timeZone: AMS,
    now: NOW,
    ...over,
  });

  it('is null without a run, after the downtime began, and for a run that ended', () => {
    expect(plannedSwitchOver(input({ run: null }))).toBeNull();
    expect(plannedSwitchOver(input({ run: run({ status: 'succeeded' }) }))).toBeNull();
    expect(
      plannedSwitchOver(
        input({
          container: container({ downtimeWindow: '02:00-04:00' }),
          run: run({ status: 'running', currentStage: 'final_sync', downtimeStartedAt: NOW }),
        }),
      ),
    ).toBeNull();
  });

  it('plans nothing from a window that does not parse, rather than failing the page', () => {
    expect(plannedSwitchOver(input({ container: container({ downtimeWindow: 'weekends' }) }))).toBeNull();
  });

  it("uses the customer's next daily window in their zone", () => {
    // daily 02:00-04:00 in Amsterdam: next is Tue 1 Dec 01:00-03:00 UTC
    expect(plannedSwitchOver(input({ container: container({ downtimeWindow: '02:00-04:00' }) }))).toEqual({
      start: new Date('2026-12-01T01:00:00Z'),
      end: new Date('2026-12-01T03:00:00Z'),
    });
  });
});

describe('failureInWords', () => {
  it("gives the catalogue's sentence and the run's own message when it adds something", () => {
    expect(
      failureInWords('template_download_failed', 'the template download failed 2 time(s); last: HTTP 500'),
    ).toEqual({
      summary: 'CloudStack could not download the template',
      detail: 'the template download failed 2 time(s); last: HTTP 500',
    });
    expect(failureInWords('verify_timeout', "The VM's IPs did not answer in time")).toEqual({
      summary: "The VM's IPs did not answer in time",
      detail: null,
    });
  });

  it('reads a missing or retired code as a plain failure', () => {
    expect(failureInWords(null, null)).toEqual({ summary: 'The stage failed', detail: null });
    expect(failureInWords('no_longer_a_code', 'disk full').summary).toBe('The stage failed');
  });
});
