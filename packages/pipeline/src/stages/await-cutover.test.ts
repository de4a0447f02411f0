import { describe, expect, it } from 'vitest';
import { pipelineSettingsSchema } from '@vzferry/core';
import { catchUpDue } from './await-cutover';

const every = (minutes: number) => pipelineSettingsSchema.parse({ catchUpSyncIntervalMinutes: minutes });
const at = (iso: string) => new Date(`2026-12-01T${iso}Z`);

describe('catchUpDue', () => {
  it('is due once the interval has passed since the copy last caught up, not before', () => {
    expect(catchUpDue(at('10:00:00'), at('10:59:59'), every(60))).toBe(false);
    expect(catchUpDue(at('10:00:00'), at('11:00:00'), every(60))).toBe(true);
    expect(catchUpDue(at('10:00:00'), at('10:05:00'), every(5))).toBe(true);
  });

  it('never with an interval of 0, and at once for a run whose last sync is not known', () => {
    expect(catchUpDue(at('10:00:00'), at('23:00:00'), every(0))).toBe(false);
    expect(catchUpDue(null, at('10:00:00'), every(60))).toBe(true);
    expect(catchUpDue(null, at('10:00:00'), every(0))).toBe(false);
  });
});
