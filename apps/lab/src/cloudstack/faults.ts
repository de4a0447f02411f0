// Faults the lab can be told to produce, through POST /lab/faults or the
// `fault` subcommand of main.ts: the next N downloads fail (time-out,
// connection reset mid-body, HTTP 500 from the source), downloads go slow,
// secondary storage is full, the next N deployments fail, the next N VMs
// that start do not answer on their addresses (their network stays down),
// the next N downloads are never picked up by a secondary storage VM; the
// API itself: the next N calls answer 5xx or hang, the next N async jobs
// fail. The API faults take a list of commands and a `match`: a text the
// call must name (a parameter's value, or the name of the VM or template its
// id refers to), so a test aims one at one run's VM.
import { z } from 'zod';
import type { DownloadFault } from './download';

/**
 * Which API calls a fault takes: these commands (all if absent), naming `match` (any if absent), carrying the
 * parameter `param` (e.g. `id`, to take verify's listVirtualMachines id=... and not a lookup by name=...).
 */
const target = {
  commands: z.array(z.string().min(1)).optional(),
  match: z.string().min(1).optional(),
  param: z.string().min(1).optional(),
};

/**
 * How the real management server answers what these faults imitate (apache/cloudstack, 4.18):
 * - an unexpected exception in a command: ApiServer.handleRequest wraps it as
 *   ServerApiException(INTERNAL_ERROR, ...): HTTP 530, errorcode 530, cserrorcode 9999 (ServerApiException's own
 *   CSExceptionErrorCode), errortext "Internal error executing command, please contact your system administrator"
 *   for a non-root-admin caller (BaseCmd.USER_ERROR_MESSAGE; a root admin reads the exception's message);
 * - 502/503/504 come from what stands in front of it (a load balancer, Tomcat/Jetty starting up): an HTML
 *   page, no CloudStack envelope;
 * - a failed async job: queryAsyncJobResult jobstatus 2, jobresultcode = the error code, jobresult the
 *   ExceptionResponse {errorcode, errortext} (ApiAsyncJobDispatcher.runJob, no cserrorcode);
 * - a job cancelled by a restart (AsyncJobManagerImpl.cleanupLeftOverJobs / cleanupPendingJobs at start):
 *   jobstatus 2, jobresultcode 530 and the plain text "job cancelled because of management server restart or
 *   shutdown" as its result, which ApiSerializerHelper.fromSerializedString cannot read back (no "class/json"):
 *   the answer has no jobresult at all (jobs.ts failOrphans).
 */
export const API_INTERNAL_ERROR_TEXT = 'Internal error executing command, please contact your system administrator';

const apiError = z.object({ count: z.number().int().min(0), status: z.number().int().min(500).max(599), ...target });
const apiHang = z.object({ count: z.number().int().min(0), ms: z.number().int().min(0).max(600_000), ...target });
const failJob = z.object({ count: z.number().int().min(0), errortext: z.string().optional(), ...target });
const holdJob = z.object({ count: z.number().int().min(0), ...target });

/** Each API fault kind: one or a list (each with its own target); setting one replaces that kind's list. */
export const apiFaultsSchema = {
  /** the next N matching calls answer this 5xx: 530 in CloudStack's envelope, another status as a proxy's page */
  apiErrors: z.array(apiError).or(apiError).optional(),
  /** the next N matching calls are held this long before the server runs them (a client times out first) */
  apiHangs: z.array(apiHang).or(apiHang).optional(),
  /** the next N matching async jobs fail (jobstatus 2, 530) before they change anything */
  failJobs: z.array(failJob).or(failJob).optional(),
  /** the next N matching async jobs do their work but never end (the server dies first): a restart cancels them */
  holdJobs: z.array(holdJob).or(holdJob).optional(),
};

export const faultModes = ['timeout', 'reset', 'http500'] as const;

export const faultRequestSchema = z
  .object({
    /** forget every fault first */
    clear: z.boolean().optional(),
    failDownloads: z
      .object({
        count: z.number().int().min(0),
        mode: z.enum(faultModes),
        /** how much of the body arrives before a time-out or reset (0..1); default 0.3 */
        afterFraction: z.number().min(0).max(1).optional(),
        /** how long a timed-out download hangs before it fails; default 1000 ms */
        stallMs: z.number().int().min(0).max(600_000).optional(),
      })
      .optional(),
    /** bytes per second for every download until cleared (null: back to the configured rate) */
    slowDownloads: z.object({ bytesPerSec: z.number().int().positive() }).nullable().optional(),
    /** every image store reports 95 % used */
    fullStorage: z.boolean().optional(),
    /** the next N deployVirtualMachine jobs fail with InsufficientServerCapacityException */
    failDeploys: z.number().int().min(0).optional(),
    /** the next N VMs that start run, but their addresses do not answer */
    silentVms: z.number().int().min(0).optional(),
    /** the next N template/ISO downloads never start (no SSVM takes them): status "Active" for good */
    downloadsNeverStart: z.number().int().min(0).optional(),
    ...apiFaultsSchema,
  })
  .strict();

export type FaultRequest = z.infer<typeof faultRequestSchema>;

export interface FaultState {
  failDownloads: {
    remaining: number;
    mode: (typeof faultModes)[number];
    afterFraction: number;
    stallMs: number;
  } | null;
  slowDownloadsBytesPerSec: number | null;
  fullStorage: boolean;
  failDeploys: number;
  silentVms: number;
  downloadsNeverStart: number;
  apiErrors: Array<ApiTarget & { remaining: number; status: number }>;
  apiHangs: Array<ApiTarget & { remaining: number; ms: number }>;
  failJobs: Array<ApiTarget & { remaining: number; errortext: string }>;
  holdJobs: Array<ApiTarget & { remaining: number }>;
}

export interface ApiTarget {
  commands: string[] | null;
  match: string | null;
  param: string | null;
}

/** What a fault looks at in a call: its command, its parameters' names and the texts it names. */
export interface ApiCall {
  command: string;
  params: string[];
  names: string[];
}

function hits(t: ApiTarget, call: ApiCall): boolean {
  return (
    (t.commands === null || t.commands.includes(call.command)) &&
    (t.match === null || call.names.some((n) => n.includes(t.match!))) &&
    (t.param === null || call.params.includes(t.param))
  );
}

function targetOf(r: { commands?: string[]; match?: string; param?: string }): ApiTarget {
  return { commands: r.commands ?? null, match: r.match ?? null, param: r.param ?? null };
}

const listOf = <T extends { count: number }>(v: T | T[]): T[] =>
  (Array.isArray(v) ? v : [v]).filter((f) => f.count > 0);

export class Faults {
  private current: FaultState = Faults.none();

  private static none(): FaultState {
    return {
      failDownloads: null,
      slowDownloadsBytesPerSec: null,
      fullStorage: false,
      failDeploys: 0,
      silentVms: 0,
      downloadsNeverStart: 0,
      apiErrors: [],
      apiHangs: [],
      failJobs: [],
      holdJobs: [],
    };
  }

  get state(): FaultState {
    return structuredClone(this.current);
  }

  apply(request: FaultRequest): FaultState {
    if (request.clear) this.current = Faults.none();
    if (request.failDownloads) {
      const f = request.failDownloads;
      this.current.failDownloads =
        f.count === 0
          ? null
          : { remaining: f.count, mode: f.mode, afterFraction: f.afterFraction ?? 0.3, stallMs: f.stallMs ?? 1000 };
    }
    if (request.slowDownloads !== undefined)
      this.current.slowDownloadsBytesPerSec = request.slowDownloads?.bytesPerSec ?? null;
    if (request.fullStorage !== undefined) this.current.fullStorage = request.fullStorage;
    if (request.failDeploys !== undefined) this.current.failDeploys = request.failDeploys;
    if (request.silentVms !== undefined) this.current.silentVms = request.silentVms;
    if (request.downloadsNeverStart !== undefined) this.current.downloadsNeverStart = request.downloadsNeverStart;
    if (request.apiErrors)
      this.current.apiErrors = listOf(request.apiErrors).map((f) => ({
        remaining: f.count,
        status: f.status,
        ...targetOf(f),
      }));
    if (request.apiHangs)
      this.current.apiHangs = listOf(request.apiHangs).map((f) => ({ remaining: f.count, ms: f.ms, ...targetOf(f) }));
    if (request.failJobs)
      this.current.failJobs = listOf(request.failJobs).map((f) => ({
        remaining: f.count,
        errortext: f.errortext ?? API_INTERNAL_ERROR_TEXT,
        ...targetOf(f),
      }));
    if (request.holdJobs)
      this.current.holdJobs = listOf(request.holdJobs).map((f) => ({ remaining: f.count, ...targetOf(f) }));
    return this.state;
  }

  /** Counts down the first API fault of this kind whose target the call is. */
  private take<K extends 'apiErrors' | 'apiHangs' | 'failJobs' | 'holdJobs'>(
    kind: K,
    call: ApiCall,
  ): FaultState[K][number] | null {
    const list: Array<FaultState[K][number]> = this.current[kind];
    const f = list.find((x) => hits(x, call));
    if (!f) return null;
    f.remaining -= 1;
    if (f.remaining <= 0) list.splice(list.indexOf(f), 1);
    return structuredClone(f);
  }

  takeApiError(call: ApiCall): number | null {
    return this.take('apiErrors', call)?.status ?? null;
  }

  takeApiHang(call: ApiCall): number | null {
    return this.take('apiHangs', call)?.ms ?? null;
  }

  takeJobFailure(call: ApiCall): string | null {
    return this.take('failJobs', call)?.errortext ?? null;
  }

  takeJobHold(call: ApiCall): boolean {
    return this.take('holdJobs', call) !== null;
  }

  /** One download fault, counted down. */
  takeDownloadFault(): DownloadFault | null {
    const f = this.current.failDownloads;
    if (!f) return null;
    f.remaining -= 1;
    if (f.remaining <= 0) this.current.failDownloads = null;
    return { mode: f.mode, afterFraction: f.afterFraction, stallMs: f.stallMs };
  }

  takeDeployFault(): boolean {
    if (this.current.failDeploys <= 0) return false;
    this.current.failDeploys -= 1;
    return true;
  }

  takeNeverStart(): boolean {
    if (this.current.downloadsNeverStart <= 0) return false;
    this.current.downloadsNeverStart -= 1;
    return true;
  }

  takeSilentVm(): boolean {
    if (this.current.silentVms <= 0) return false;
    this.current.silentVms -= 1;
    return true;
  }
}
