// core names the statuses and stages (its state tables and stage list); the
// database enums must hold exactly the same values, in the same order.
import { BATCH_STATUSES, RUN_STATUSES, STAGE_STATUSES, STAGES } from '@vzferry/core';
import { describe, expect, it } from 'vitest';
import { BatchStatus, RunStatus, Stage, StageStatus } from './generated/enums';

describe("the database's enums", () => {
  it("are core's statuses and stages", () => {
    expect(Object.values(RunStatus)).toEqual([...RUN_STATUSES]);
    expect(Object.values(StageStatus)).toEqual([...STAGE_STATUSES]);
    expect(Object.values(BatchStatus)).toEqual([...BATCH_STATUSES]);
    expect(Object.values(Stage)).toEqual([...STAGES]);
  });
});
