import { describe, expect, it } from 'vitest';
import type { Stage } from '../stages';
import { failureKey, groupFailures } from './failures';

let n = 0;
const failed = (failedStage: Stage, errorCode: string | null, failedAt = '2026-12-01T10:00:00Z') => ({
  id: `r${++n}`,
  failedStage,
  errorCode,
  failedAt: new Date(failedAt),
});

describe('groupFailures', () => {
  it('groups by stage and error code, and counts each group', () => {
    const groups = groupFailures([
      failed('preflight', 'preflight_failed'),
      failed('initial_sync', 'rsync_failed'),
      failed('preflight', 'preflight_failed'),
      failed('initial_sync', 'rsync_interrupted'),
    ]);
    expect(groups.map((g) => [g.key, g.runs.length])).toEqual([
      ['preflight:preflight_failed', 2],
      ['initial_sync:rsync_failed', 1],
      ['initial_sync:rsync_interrupted', 1],
    ]);
  });

  it('puts template download failures first, even when another group is bigger', () => {
    const groups = groupFailures([
      failed('preflight', 'preflight_failed'),
      failed('preflight', 'preflight_failed'),
      failed('preflight', 'preflight_failed'),
      failed('register_template', 'template_download_failed'),
      // the same code at another stage is another cause
      failed('deploy_vm', 'template_download_failed'),
    ]);
    expect(groups.map((g) => g.key)).toEqual([
      'register_template:template_download_failed',
      'preflight:preflight_failed',
      'deploy_vm:template_download_failed',
    ]);
  });

  it('orders groups of equal size in pipeline order', () => {
    const groups = groupFailures([failed('verify', 'verify_timeout'), failed('create_disk', 'command_failed')]);
    expect(groups.map((g) => g.stage)).toEqual(['create_disk', 'verify']);
  });

  it('lists the most recent failure of a group first', () => {
    const [group] = groupFailures([
      failed('verify', 'verify_timeout', '2026-12-01T10:00:00Z'),
      failed('verify', 'verify_timeout', '2026-12-02T10:00:00Z'),
      failed('verify', 'verify_timeout', '2026-11-30T10:00:00Z'),
    ]);
    expect(group!.runs.map((r) => r.failedAt.toISOString().slice(0, 10))).toEqual([
      '2026-12-02',
      '2026-12-01',
      '2026-11-30',
    ]);
  });

  it("names each group with the catalogue's sentence and says what its Retry does", () => {
    const [download, sync] = groupFailures([
      failed('register_template', 'template_download_failed'),
      failed('initial_sync', 'rsync_failed'),
    ]);
    expect(download).toMatchObject({
      title: 'CloudStack could not download the template',
      kind: 'failed',
      retry: { from: 'stop_source', newDowntime: true, label: 'Retry from stop_source (a new downtime)' },
    });
    expect(sync!.retry).toEqual({ from: 'initial_sync', newDowntime: false, label: 'Retry from initial_sync' });
  });

  it('counts a run without a code, or with one the catalogue no longer has, as a plain failure', () => {
    const groups = groupFailures([failed('cleanup', null), failed('cleanup', 'gone_code')]);
    expect(groups.map((g) => [g.key, g.title])).toEqual([
      ['cleanup:failed', 'The stage failed'],
      ['cleanup:gone_code', 'The stage failed'],
    ]);
    expect(failureKey('cleanup', null)).toBe('cleanup:failed');
  });

  it('keeps staged runs apart where their Retry starts elsewhere (a staged deploy_vm is before the window)', () => {
    const staged = { ...failed('deploy_vm', 'vm_failed'), cutoverPath: 'staged' as const };
    const groups = groupFailures([failed('deploy_vm', 'vm_failed'), staged]);
    expect(groups.map((g) => [g.key, g.retry.label])).toEqual([
      ['deploy_vm:vm_failed', 'Retry from stop_source (a new downtime)'],
      ['deploy_vm:vm_failed:staged', 'Retry from deploy_vm'],
    ]);
  });
});
