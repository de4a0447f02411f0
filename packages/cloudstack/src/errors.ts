// Errors of the CloudStack client. Messages name the command and what
// CloudStack said; never the signed URL, the API key or the secret.

export interface CloudStackErrorInit {
  command: string;
  /** HTTP status of the answer, null when there was none (connection error, job failure) */
  httpStatus: number | null;
  /** CloudStack's errorcode (ApiErrorCode: 431 parameter error, 530 internal, 533 capacity...) */
  errorcode: number | null;
  /** CloudStack's cserrorcode (CSExceptionErrorCode: 4350 invalid parameter, 9999 ServerApiException...) */
  cserrorcode: number | null;
  errortext: string;
  cause?: unknown;
}

/** An error answer from CloudStack (HTTP status = errorcode, body `<command>response`). */
export class CloudStackError extends Error {
  readonly command: string;
  readonly httpStatus: number | null;
  readonly errorcode: number | null;
  readonly cserrorcode: number | null;
  readonly errortext: string;

  constructor(init: CloudStackErrorInit, message?: string) {
    const code = init.errorcode ?? init.httpStatus;
    super(message ?? `CloudStack ${init.command} failed${code === null ? '' : ` (${code})`}: ${init.errortext}`, {
      cause: init.cause,
    });
    this.name = 'CloudStackError';
    this.command = init.command;
    this.httpStatus = init.httpStatus;
    this.errorcode = init.errorcode;
    this.cserrorcode = init.cserrorcode;
    this.errortext = init.errortext;
  }

  /** 401: a wrong API key or secret, an expired signature, or a command the account may not use */
  get isUnauthorized(): boolean {
    return this.errorcode === 401 || this.httpStatus === 401;
  }
}

/** An async job that ended with jobstatus 2; carries the job's own codes and text. */
export class CloudStackJobError extends CloudStackError {
  readonly jobId: string;
  readonly jobresultcode: number | null;

  constructor(init: CloudStackErrorInit & { jobId: string; jobresultcode: number | null }) {
    super(
      init,
      `CloudStack ${init.command} job ${init.jobId} failed (${init.errorcode ?? init.jobresultcode}): ${init.errortext}`,
    );
    this.name = 'CloudStackJobError';
    this.jobId = init.jobId;
    this.jobresultcode = init.jobresultcode;
  }
}

/** The job was still running when our deadline passed; it may yet finish. */
export class CloudStackJobTimeoutError extends CloudStackError {
  readonly jobId: string;

  constructor(command: string, jobId: string, waitedMs: number) {
    super(
      {
        command,
        httpStatus: null,
        errorcode: null,
        cserrorcode: null,
        errortext: `job ${jobId} still pending after ${Math.round(waitedMs / 1000)} s`,
      },
      `CloudStack ${command}: job ${jobId} still pending after ${Math.round(waitedMs / 1000)} s; query it again later with queryAsyncJobResult before repeating the command`,
    );
    this.name = 'CloudStackJobTimeoutError';
    this.jobId = jobId;
  }
}

/**
 * No CloudStack answer: connection refused or reset, time-out, or a body that
 * is not CloudStack's. For a write, `outcomeUnknown` says the command may have
 * been applied: look before you repeat it.
 */
export class CloudStackTransportError extends CloudStackError {
  readonly outcomeUnknown: boolean;
  readonly attempts: number;

  constructor(
    command: string,
    detail: string,
    opts: { httpStatus?: number | null; outcomeUnknown: boolean; attempts: number; cause?: unknown },
  ) {
    const after = opts.attempts > 1 ? ` after ${opts.attempts} attempts` : '';
    const unknown = opts.outcomeUnknown ? '; the command may have been applied, check before repeating it' : '';
    super(
      {
        command,
        httpStatus: opts.httpStatus ?? null,
        errorcode: null,
        cserrorcode: null,
        errortext: detail,
        cause: opts.cause,
      },
      `CloudStack ${command}: ${detail}${after}${unknown}`,
    );
    this.name = 'CloudStackTransportError';
    this.outcomeUnknown = opts.outcomeUnknown;
    this.attempts = opts.attempts;
  }
}

/** CloudStack answered, but not in the shape we rely on (a field we use is missing or mistyped). */
export class CloudStackResponseError extends CloudStackError {
  constructor(command: string, detail: string) {
    super(
      { command, httpStatus: 200, errorcode: null, cserrorcode: null, errortext: detail },
      `CloudStack ${command}: unexpected answer: ${detail}`,
    );
    this.name = 'CloudStackResponseError';
  }
}
