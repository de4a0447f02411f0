// The async-job protocol: an async command answers {jobid}; we poll
// queryAsyncJobResult with a growing interval until jobstatus is 1 (the
// object in jobresult) or 2 (an ExceptionResponse), or our deadline passes.
import { formatZodError, sleep } from '@vzferry/core';
import { CloudStackJobError, CloudStackJobTimeoutError, CloudStackResponseError } from './errors';
import { type AsyncJob, asyncJobSchema, JOB_FAILED, JOB_SUCCEEDED, jobFailureSchema } from './schemas/async-job';
import type { Transport } from './transport';

export interface JobWaitOptions {
  /** give up (CloudStackJobTimeoutError) after this long; default 30 min */
  deadlineMs?: number;
  /** first poll interval, growing by half each poll up to maxIntervalMs; defaults 500 ms and 10 s */
  initialIntervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
  /** called with the job id before waiting, so a caller can record it and resume after a crash */
  onJobId?: (jobId: string) => void | Promise<void>;
}

export async function queryAsyncJobResult(transport: Transport, jobId: string): Promise<AsyncJob> {
  const raw = await transport.call('queryAsyncJobResult', { jobid: jobId });
  const parsed = asyncJobSchema.safeParse(raw);
  if (!parsed.success) throw new CloudStackResponseError('queryAsyncJobResult', formatZodError(parsed.error));
  return parsed.data;
}

/** Polls until the job ends; returns its jobresult, or throws CloudStackJobError for jobstatus 2. */
export async function waitForJob(
  transport: Transport,
  command: string,
  jobId: string,
  opts: JobWaitOptions = {},
): Promise<unknown> {
  const started = Date.now();
  const deadline = started + (opts.deadlineMs ?? 30 * 60_000);
  let interval = opts.initialIntervalMs ?? 500;
  const maxInterval = opts.maxIntervalMs ?? 10_000;
  for (;;) {
    const job = await queryAsyncJobResult(transport, jobId);
    if (job.jobstatus === JOB_SUCCEEDED) return job.jobresult;
    if (job.jobstatus === JOB_FAILED) throw jobError(command, job);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new CloudStackJobTimeoutError(command, jobId, Date.now() - started);
    await sleep(Math.min(interval, remaining), opts.signal);
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}

function jobError(command: string, job: AsyncJob): CloudStackJobError {
  const failure = jobFailureSchema.safeParse(job.jobresult ?? {});
  const detail = failure.success ? failure.data : {};
  return new CloudStackJobError({
    command,
    jobId: job.jobid,
    httpStatus: null,
    jobresultcode: job.jobresultcode ?? null,
    errorcode: detail.errorcode ?? job.jobresultcode ?? null,
    cserrorcode: detail.cserrorcode ?? null,
    // a job cancelled by a management server restart has no jobresult at all (lab jobs.ts failOrphans)
    errortext:
      detail.errortext ??
      (job.jobresult === undefined || job.jobresult === null
        ? 'the job failed without a result, as CloudStack ends the jobs a management server restart cancelled'
        : 'the job failed without an error text'),
  });
}
