// Every pair of statuses of each machine, allowed or forbidden, against a
// list written out here by hand: a change to the tables has to change this
// list too, on purpose.
import { describe, expect, it } from 'vitest';
import {
  BATCH_STATUSES,
  canMove,
  isFinal,
  movableFrom,
  moveReason,
  RUN_STATUSES,
  STAGE_STATUSES,
  type Machine,
} from './states';

const ALLOWED: Record<Machine, string[]> = {
  run: [
    'pending>queued',
    'pending>cancelled',
    'queued>running',
    'queued>cancelled',
    'running>running',
    'running>waiting',
    'running>succeeded',
    'running>failed',
    'running>rolling_back',
    'running>queued',
    'running>cancelled',
    'waiting>running',
    'waiting>rolling_back',
    'waiting>queued',
    'waiting>cancelled',
    'rolling_back>rolling_back',
    'rolling_back>failed',
    'rolling_back>cancelled',
    'failed>queued',
    'failed>running',
    'failed>cancelled',
  ],
  stage: [
    'pending>running',
    'pending>cancelled',
    'pending>failed',
    'running>running',
    'running>pending',
    'running>succeeded',
    'running>failed',
    'running>cancelled',
  ],
  batch: [
    'draft>scheduled',
    'draft>running',
    'scheduled>running',
    'scheduled>paused',
    'running>paused',
    'running>completed',
    'running>completed_with_failures',
    'paused>running',
    'completed>running',
    'completed_with_failures>running',
  ],
};

const STATUSES = { run: RUN_STATUSES, stage: STAGE_STATUSES, batch: BATCH_STATUSES } as const;

describe.each(['run', 'stage', 'batch'] as const)('the %s state machine', (machine) => {
  const statuses: readonly string[] = STATUSES[machine];
  const pairs = statuses.flatMap((from) => statuses.map((to) => [from, to] as const));

  it.each(pairs)(`%s -> %s is allowed exactly when the list says so`, (from, to) => {
    const allowed = ALLOWED[machine].includes(`${from}>${to}`);
    const can = (canMove as (m: Machine, f: string, t: string) => boolean)(machine, from, to);
    expect(can).toBe(allowed);
    const reason = (moveReason as (m: Machine, f: string, t: string) => string | null)(machine, from, to);
    // every allowed move says why it happens
    if (allowed) expect(reason).toMatch(/\w{3,}/);
    else expect(reason).toBeNull();
  });

  it('names only statuses it knows', () => {
    for (const pair of ALLOWED[machine]) for (const s of pair.split('>')) expect(statuses).toContain(s);
  });
});

describe('movableFrom', () => {
  it('lists every status that may move to the target', () => {
    expect(movableFrom('run', 'failed').sort()).toEqual(['rolling_back', 'running']);
    expect(movableFrom('batch', 'running').sort()).toEqual([
      'completed',
      'completed_with_failures',
      'draft',
      'paused',
      'scheduled',
    ]);
  });

  it('narrows to the statuses the caller names, and refuses one that may not move there', () => {
    expect(movableFrom('run', 'running', ['running', 'waiting'])).toEqual(['running', 'waiting']);
    expect(() => movableFrom('run', 'running', ['succeeded'])).toThrow(/no move from succeeded to running/);
  });
});

describe('final statuses', () => {
  it('are the ones a row never leaves', () => {
    expect(RUN_STATUSES.filter((s) => isFinal('run', s))).toEqual(['cancelled', 'succeeded']);
    expect(STAGE_STATUSES.filter((s) => isFinal('stage', s))).toEqual(['succeeded', 'failed', 'skipped', 'cancelled']);
    // a completed batch opens again when one of its failed runs is retried
    expect(BATCH_STATUSES.filter((s) => isFinal('batch', s))).toEqual(['cancelled']);
  });
});
