// Stage 15: the VM runs and every one of the container's addresses, IPv4
// and IPv6, answers from this converter box. Then the downtime ends.
import { CloudStackError, CloudStackTransportError } from '@vzferry/cloudstack';
import { AppError, errorMessage, ExecError, type Executor, sleep } from '@vzferry/core';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import type { CloudStackSession, StageDeps } from '../stage-deps';

const POLL_MS = 2_000;

export async function verify(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const { run } = ctx;
  const vmId = run.state.cloudstackVmId;
  if (!vmId) throw new AppError('vm_missing', 'no VM was deployed for this run');
  const [cs, settings] = await Promise.all([deps.cloudstack(), deps.settings()]);
  const deadline = ctx.now().getTime() + settings.verifyTimeoutSeconds * 1000;
  const addresses = run.container.ips.map((ip) => ({ address: ip.address, family: ip.family === 6 ? 6 : 4 }) as const);
  // nothing to ping is nothing verified: say so instead of passing silently
  if (addresses.length === 0)
    throw new AppError('verify_timeout', 'the container has no IP address: nothing can show that the VM answers');
  let unknownSince: string | null = null;
  for (;;) {
    const found = await vmState(cs, vmId, ctx.now().getTime() > deadline);
    if (found.unknown !== undefined) {
      if (unknownSince === null) ctx.log('warn', `${found.unknown}; asking again until the verify time-out`);
      unknownSince ??= found.unknown;
      ctx.progress({ message: `CloudStack does not answer: ${found.unknown}` });
      await sleep(POLL_MS, ctx.signal);
      continue;
    }
    const state = found.state;
    unknownSince = null;
    const silent =
      state === 'Running' ? await unanswered(deps.local, addresses, ctx.signal) : addresses.map((ip) => ip.address);
    if (state === 'Running' && silent.length === 0) break;
    ctx.progress({ message: state === 'Running' ? `waiting for ${silent.join(', ')} to answer` : `VM is ${state}` });
    if (state === 'Error' || state === 'gone')
      throw new AppError('vm_failed', `VM ${run.state.cloudstackVmName} is ${state}`);
    if (ctx.now().getTime() > deadline) {
      throw new AppError(
        'verify_timeout',
        `after ${settings.verifyTimeoutSeconds} s the VM is ${state} and ${silent.join(', ') || 'its IPs'} do not answer`,
      );
    }
    await sleep(POLL_MS, ctx.signal);
  }
  const endedAt = ctx.now();
  return succeeded(
    { downtimeEndedAt: endedAt },
    { message: `VM running, ${addresses.length} IP(s) answer; downtime ended at ${endedAt.toISOString()}` },
  );
}

/**
 * The VM's state, or why CloudStack could not say (a 5xx, no answer): the
 * downtime goes on either way, so verify asks again until its deadline
 * instead of rolling back a VM that may be fine; past the deadline the error
 * is the run's.
 */
async function vmState(
  cs: CloudStackSession,
  vmId: string,
  pastDeadline: boolean,
): Promise<{ state: string; unknown?: undefined } | { state?: undefined; unknown: string }> {
  try {
    const [vm] = await cs.client.listVirtualMachines({ id: vmId });
    return { state: vm?.state ?? 'gone' };
  } catch (err) {
    const transient =
      err instanceof CloudStackTransportError || (err instanceof CloudStackError && (err.httpStatus ?? 0) >= 500);
    if (!transient || pastDeadline) throw err;
    return { unknown: errorMessage(err) };
  }
}

/** The addresses that did not answer one ping (iputils ping: -4 or -6 by the address's family). */
async function unanswered(
  local: Executor,
  addresses: ReadonlyArray<{ address: string; family: 4 | 6 }>,
  signal: AbortSignal,
): Promise<string[]> {
  const out: string[] = [];
  for (const ip of addresses) {
    try {
      await local.exec(['ping', `-${ip.family}`, '-n', '-q', '-c', '1', '-W', '2', ip.address], {
        timeoutMs: 5_000,
        signal,
      });
    } catch (err) {
      if (!(err instanceof ExecError)) throw err;
      out.push(ip.address);
    }
  }
  return out;
}
