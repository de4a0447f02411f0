import { STAGES } from '@vzferry/core';
import { retryFailureGroup } from '@vzferry/db';
import { z } from 'zod';
import { retryGroupResultSchema, retryGroupSchema } from '@/api/failures';
import { server } from '@/server/context';
import { enqueueFollowUps } from '@/server/follow-up';
import { route } from '@/server/route';

export const dynamic = 'force-dynamic';

/**
 * Retry all of a failure group in one request: each run the page showed that
 * is still failed for the group's cause is retried (its jobs enqueued after
 * its commit); the answer says which were not, and why.
 */
export const POST = route(
  {
    access: 'operate',
    audit: { action: 'run.retry_all', target: 'MigrationRun' },
    body: retryGroupSchema.extend({ stage: z.enum(STAGES) }),
    output: retryGroupResultSchema,
    status: 202,
  },
  async ({ body, actor, audit }) => {
    const { db, producer } = server();
    const { jobs, ...result } = await retryFailureGroup(db, body, actor);
    audit({
      details: {
        stage: body.stage,
        errorCode: body.errorCode,
        retried: result.retried.map((r) => r.runId),
        notRetried: result.notRetried.map((r) => r.runId),
      },
    });
    await enqueueFollowUps(producer, jobs);
    return result;
  },
);
