import { describe, expect, it } from 'vitest';
import { STAGES, nextStage, stageInfo, stageOrder } from './stages';

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

  it('stages a VM before the window: each stage once, only final_sync and verify after stop_source', () => {
    const staged = stageOrder('staged');
    expect([...staged].sort()).toEqual([...STAGES].sort());
    expect(nextStage('initial_sync', 'staged')).toBe('detect_os');
    expect(nextStage('deploy_vm', 'staged')).toBe('await_cutover');
    expect(nextStage('final_sync', 'staged')).toBe('verify');
    expect(STAGES.filter((s) => stageInfo(s, 'staged').inDowntime)).toEqual(['stop_source', 'final_sync', 'verify']);
    // deploying the VM happens while the container runs: its failure starts nothing again
    expect(stageInfo('deploy_vm', 'staged').rollsBack).toBe(false);
    expect(stageInfo('deploy_vm').rollsBack).toBe(true);
  });
});
