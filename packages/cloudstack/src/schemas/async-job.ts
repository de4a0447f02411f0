// queryAsyncJobResult (AsyncJobResponse.java): jobstatus 0 pending, 1
// succeeded, 2 failed; on failure jobresult is an ExceptionResponse
// {errorcode, errortext} and jobresultcode the same code
// (ApiAsyncJobDispatcher.runJob).
import { z } from 'zod';
import { idish, numberish } from './common';

export const JOB_PENDING = 0;
export const JOB_SUCCEEDED = 1;
export const JOB_FAILED = 2;

export const asyncJobSchema = z.looseObject({
  jobid: idish,
  jobstatus: numberish.pipe(z.union([z.literal(0), z.literal(1), z.literal(2)])),
  jobprocstatus: numberish.optional(),
  jobresultcode: numberish.optional(),
  jobresulttype: z.string().optional(),
  jobresult: z.unknown().optional(),
  cmd: z.string().optional(),
  jobinstancetype: z.string().optional(),
  jobinstanceid: idish.optional(),
  created: z.string().optional(),
  completed: z.string().optional(),
});
export type AsyncJob = z.infer<typeof asyncJobSchema>;

export const jobFailureSchema = z.looseObject({
  errorcode: numberish.optional(),
  cserrorcode: numberish.optional(),
  errortext: z.string().optional(),
});
