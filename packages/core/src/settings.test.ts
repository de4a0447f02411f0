import { describe, expect, it } from 'vitest';
import { pipelineSettingsPatchSchema, pipelineSettingsSchema } from './settings';

describe('pipeline settings', () => {
  it('a change names only what it changes: the other fields are not filled with defaults', () => {
    expect(pipelineSettingsPatchSchema.parse({ cutoverMarginMinutes: 15, rsyncBandwidthLimitKbps: null })).toEqual({
      cutoverMarginMinutes: 15,
      rsyncBandwidthLimitKbps: null,
    });
  });

  it('a change is checked like the settings themselves, and unknown fields are refused', () => {
    const bad = pipelineSettingsPatchSchema.safeParse({ templateRetryAttempts: 0, deployTimeoutSeconds: 10, bogus: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.') || i.code).sort()).toEqual([
      'deployTimeoutSeconds',
      'templateRetryAttempts',
      'unrecognized_keys',
    ]);
    expect(pipelineSettingsSchema.safeParse({ templateRetryAttempts: 0 }).success).toBe(false);
  });
});
