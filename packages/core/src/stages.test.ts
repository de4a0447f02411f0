import { describe, expect, it } from 'vitest';
import { STAGES, nextStage, stageInfo } from './stages';

describe('stages', () => {
  it('lists the 16 stages in the order of docs/architecture.md', () => {
    expect(STAGES).toHaveLength(16);
    expect(STAGES[0]).toBe('preflight');
    expect(STAGES[15]).toBe('cleanup');
    expect(nextStage('await_cutover')).toBe('stop_source');
    expect(nextStage('cleanup')).toBeNull();
  });

  it('marks stop_source through verify as downtime stages that roll back', () => {
    const down = STAGES.filter((s) => stageInfo(s).inDowntime);
    expect(down[0]).toBe('stop_source');
    expect(down.at(-1)).toBe('verify');
    expect(down).toHaveLength(10);
    expect(stageInfo('cleanup').rollsBack).toBe(false);
    expect(stageInfo('initial_sync').rollsBack).toBe(false);
  });
});
