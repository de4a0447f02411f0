// The async-job protocol: a job is created pending (jobstatus 0), runs in
// the background and ends succeeded (1, jobresult = the object) or failed
// (2, jobresult = ExceptionResponse, jobresultcode = its errorcode), as
// ApiAsyncJobDispatcher.runJob records it.
import { randomUUID } from 'node:crypto';
import { ApiError, errorBody } from './api-error';
import type { LabJob, LabState, LabUser } from './state';
import { formatDate } from './time';

export interface JobSpec {
  /** command class, the job's "cmd" field */
  cmdClass: string;
  instanceType: string | null;
  instanceId: string | null;
  work: () => Promise<Record<string, unknown>>;
  /** the failJobs fault: the job fails with this text before its work changes anything */
  failWith?: string | null;
  /** the holdJobs fault: the job does its work but never records its end (the server dies first): pending until a restart cancels it */
  hold?: boolean;
}

const HELD = Symbol('held');

export class JobRunner {
  private readonly running = new Set<Promise<void>>();
  /** let go of the held jobs (the server stops): they stay pending, as the state on disk says */
  private readonly held = new Set<() => void>();

  constructor(
    private readonly state: () => LabState,
    private readonly changed: () => void,
  ) {}

  submit(user: LabUser, spec: JobSpec): LabJob {
    const job: LabJob = {
      id: randomUUID(),
      cmd: spec.cmdClass,
      userId: user.id,
      accountId: user.accountId,
      status: 0,
      resultCode: 0,
      instanceType: spec.instanceType,
      instanceId: spec.instanceId,
      created: formatDate(new Date()),
      completed: null,
    };
    this.prune();
    this.state().jobs.push(job);
    this.changed();
    const task = this.execute(job, this.faulty(spec)).finally(() => this.running.delete(task));
    this.running.add(task);
    return job;
  }

  /** The job's work as the faults make it: failing at once, or done but never ending by itself. */
  private faulty(spec: JobSpec): () => Promise<Record<string, unknown> | typeof HELD> {
    if (spec.hold)
      return async () => {
        await spec.work();
        return new Promise((resolve) => this.held.add(() => resolve(HELD)));
      };
    const text = spec.failWith;
    if (typeof text === 'string') return () => Promise.reject(new ApiError(530, text, null));
    return spec.work;
  }

  /** The server goes: held jobs stop waiting and stay pending (failOrphans fails them at the next start). */
  abandonHeld(): void {
    for (const release of this.held) release();
    this.held.clear();
  }

  private async execute(job: LabJob, work: () => Promise<Record<string, unknown> | typeof HELD>): Promise<void> {
    try {
      const result = await work();
      if (result === HELD) return;
      Object.assign(job, { status: 1, resultCode: 0, result });
    } catch (err) {
      const code = err instanceof ApiError ? err.errorcode : 530;
      const text = err instanceof Error ? err.message : String(err);
      // the job's ExceptionResponse carries no cserrorcode (ApiAsyncJobDispatcher never sets it)
      Object.assign(job, { status: 2, resultCode: code, result: errorBody(code, text, null) });
    }
    job.completed = formatDate(new Date());
    this.changed();
  }

  /** AsyncJobManagerImpl's cleanup: finished jobs are kept a day (job.expire.minutes), then dropped. */
  private prune(): void {
    const state = this.state();
    if (state.jobs.length < 1000) return;
    const cutoff = Date.now() - 24 * 3600_000;
    state.jobs = state.jobs.filter(
      (j) => j.status === 0 || j.completed === null || Date.parse(j.completed.replace(/\+0000$/, 'Z')) > cutoff,
    );
  }

  find(id: string): LabJob | undefined {
    return this.state().jobs.find((j) => j.id === id);
  }

  /**
   * AsyncJobManagerImpl.cleanupLeftOverJobs at the start of a management server: every job still in
   * progress fails with resultcode 530 and the plain text "job cancelled because of management server restart
   * or shutdown" as its result; queryAsyncJobResult cannot deserialize that text (ApiSerializerHelper expects
   * "class/json"), so the job's answer carries no jobresult (faults.ts has the provenance).
   */
  failOrphans(): void {
    for (const job of this.state().jobs) {
      if (job.status !== 0) continue;
      Object.assign(job, { status: 2, resultCode: 530, result: undefined, completed: formatDate(new Date()) });
    }
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/** queryAsyncJobResult's answer (ApiResponseHelper.queryJobResult). */
export function jobResponse(job: LabJob): Record<string, unknown> {
  return {
    accountid: job.accountId,
    userid: job.userId,
    cmd: job.cmd,
    jobstatus: job.status,
    jobprocstatus: 0,
    jobresultcode: job.resultCode,
    ...(job.status === 0 ? {} : { jobresulttype: 'object', jobresult: job.result }),
    ...(job.instanceType ? { jobinstancetype: job.instanceType, jobinstanceid: job.instanceId ?? undefined } : {}),
    created: job.created,
    ...(job.completed ? { completed: job.completed } : {}),
    jobid: job.id,
  };
}
