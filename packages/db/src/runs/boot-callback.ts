// The boot ISO of a grub-legacy guest calls back when its job is done
// (deploy_vm waits for it). The call is kept on the run, so whichever box
// resumes deploy_vm after a restart sees it; only the token's hash is stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Db, prismaOf } from '../client';

/** The job's log is kept up to this many characters (its end: the error is there). */
const LOG_CHARS = 16_000;

const tokenSha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A new one-time token for the boot ISO's call back; the run keeps only its
 * hash. A new token means a new boot of the ISO: an earlier call back
 * (before a rollback) no longer counts.
 */
export async function issueBootToken(db: Db, runId: string): Promise<string> {
  const client = prismaOf(db);
  const token = randomBytes(32).toString('hex');
  await client.migrationRun.update({
    where: { id: runId },
    data: { bootTokenSha256: tokenSha256(token), bootCalledBackAt: null, bootExitStatus: null, bootLog: null },
  });
  return token;
}

export interface BootCallbackInput {
  runId: string;
  token: string;
  status: number;
  log: string;
}

/** Records the call back if the token is the run's current one; false otherwise (nothing changes). */
export async function recordBootCallback(db: Db, call: BootCallbackInput, now = new Date()): Promise<boolean> {
  const client = prismaOf(db);
  const run = await client.migrationRun.findUnique({ where: { id: call.runId }, select: { bootTokenSha256: true } });
  if (!run?.bootTokenSha256 || !sameHex(run.bootTokenSha256, tokenSha256(call.token))) return false;
  const log =
    call.log.length > LOG_CHARS
      ? `[… ${call.log.length - LOG_CHARS} characters cut]\n${call.log.slice(-LOG_CHARS)}`
      : call.log;
  await client.$transaction([
    // a job that succeeded spends the token (a replay cannot overwrite it); after a failed
    // one the ISO keeps the token in the guest, so a Retry of deploy_vm can boot it again
    client.migrationRun.update({
      where: { id: call.runId },
      data: {
        bootCalledBackAt: now,
        bootExitStatus: call.status,
        bootLog: log,
        ...(call.status === 0 && { bootTokenSha256: null }),
      },
    }),
    client.runEvent.create({
      data: {
        runId: call.runId,
        level: call.status === 0 ? 'info' : 'error',
        message: `the boot ISO called back: its job exited with status ${call.status}`,
      },
    }),
  ]);
  return true;
}

export interface BootCallbackState {
  calledBackAt: Date;
  exitStatus: number;
  log: string;
}

export async function readBootCallback(db: Db, runId: string): Promise<BootCallbackState | null> {
  const client = prismaOf(db);
  const run = await client.migrationRun.findUniqueOrThrow({
    where: { id: runId },
    select: { bootCalledBackAt: true, bootExitStatus: true, bootLog: true },
  });
  if (!run.bootCalledBackAt || run.bootExitStatus === null) return null;
  return { calledBackAt: run.bootCalledBackAt, exitStatus: run.bootExitStatus, log: run.bootLog ?? '' };
}

/** A new boot of the ISO starts from scratch: the previous call back is forgotten. */
export async function clearBootCallback(db: Db, runId: string): Promise<void> {
  const client = prismaOf(db);
  await client.migrationRun.update({
    where: { id: runId },
    data: { bootCalledBackAt: null, bootExitStatus: null, bootLog: null },
  });
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
