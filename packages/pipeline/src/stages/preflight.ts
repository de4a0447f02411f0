// Stage 1: everything that would make the move fail later, checked before
// anything is touched (docs/architecture.md, "Field lessons"): the source host and container, the OS,
// free disk on this converter box, CloudStack's limits, the network and
// offering mappings, that every IP is free in its target network, and that
// traffic to the source goes over the interconnect, and for grub-legacy
// guests that there is a boot ISO. The checks only read; the dry run of
// preflight (engine/dry-run.ts) runs these same checks before a batch starts.
import { AppError, diskNeedBytes, errorMessage, findNetwork, formatBytes } from '@vzferry/core';
import { checkCloudStackLimits, checkNetworkMappings, readCloudStackLimits, type Finding } from '@vzferry/cloudstack';
import { toCtid } from '@vzferry/openvz';
import { isSupportedOs, parseOsTemplate, supportedList, usesLegacyGrub } from '@vzferry/guest';
import { planNics } from '../nic-plan';
import { failed, succeeded, type StageContext, type StageReturn } from '../stage-contract';
import { type CloudStackSession, containerLabel, type StageDeps, type TargetMappings, vmName } from '../stage-deps';
import { chooseCutoverPath } from '../cutover-path';
import { noBootIsoMessage } from '../legacy-boot';
import { pickOffering, pickOsType } from '../target-choice';
import { ipsInUse, routeTo } from '../preflight-probes';
import { boxRsyncWarning, formatRsyncVersion, sourceRsyncVersion, symlinkRaceWarning } from '../rsync-version';

const ok = (code: string, message: string): Finding => ({ ok: true, code, message });
const bad = (code: string, message: string): Finding => ({ ok: false, code, message });

export async function preflight(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const findings = await preflightChecks(ctx, deps, 'stage');
  const problems = findings.filter((f) => !f.ok);
  for (const f of findings)
    ctx.log(
      f.ok ? (f.warning ? 'warn' : 'info') : 'error',
      `${f.ok ? (f.warning ? 'WARNING' : 'ok') : 'FAILED'} ${f.code}: ${f.message}`,
    );
  const patch = { preflightOk: problems.length === 0, preflightReport: findings };
  if (problems.length) {
    return failed('preflight_failed', problems.map((f) => f.message).join('; '), patch);
  }
  const cutover = await chooseCutoverPath(ctx.run, deps);
  ctx.log('info', `cutover: ${cutover.path}: ${cutover.why}`);
  return succeeded(
    { ...patch, cutoverPath: cutover.path },
    { message: `${findings.length} checks passed; ${cutover.path} cutover` },
  );
}

/** What the checks read: the run (on the box that checks) and a signal that stops them. */
export type PreflightInput = Pick<StageContext, 'run' | 'signal'>;

type Check = (input: PreflightInput, deps: StageDeps) => Finding | Finding[] | Promise<Finding | Finding[]>;

/** Every check, in order, each with the code of its finding when it cannot run at all. */
const CHECKS: ReadonlyArray<readonly [code: string, check: Check]> = [
  ['os_supported', checkOs],
  ['source_reachable', checkSource],
  ['source_rsync', checkSourceRsync],
  ['box_rsync', checkBoxRsync],
  ['box_free_disk', checkDisk],
  ['cloudstack', checkCloudStack],
  ['interconnect_route', checkRoute],
  ['boot_iso', checkBootIso],
  ['guest_jobs', checkGuestJobs],
];

/**
 * Preflight's findings for one run. In the stage, a check that cannot run
 * (the source host does not answer, CloudStack is down) throws, and the
 * engine retries when its code says it may help. In a dry run it is a failed
 * finding and the other checks still run, so the engineer sees every problem
 * at once.
 */
export async function preflightChecks(
  input: PreflightInput,
  deps: StageDeps,
  mode: 'stage' | 'dry_run',
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [code, check] of CHECKS) {
    try {
      findings.push(...[await check(input, deps)].flat());
    } catch (err) {
      if (mode === 'stage') throw err;
      findings.push(bad(code, `${containerLabel(input.run)}: ${errorMessage(err)}`));
    }
  }
  return findings;
}

/** The checks of the dry run of preflight (engine/dry-run.ts): every problem at once. */
export function dryRunChecks(input: PreflightInput, deps: StageDeps): Promise<Finding[]> {
  return preflightChecks(input, deps, 'dry_run');
}

function checkOs(ctx: PreflightInput): Finding {
  const os = parseOsTemplate(ctx.run.container.ostemplate);
  if (os && isSupportedOs(os)) return ok('os_supported', `${os.distribution} ${os.version} is supported`);
  return bad(
    'os_supported',
    `${containerLabel(ctx.run)}: OS template "${ctx.run.container.ostemplate ?? 'none'}" is not a supported OS (${supportedList()})`,
  );
}

async function checkSource(ctx: PreflightInput, deps: StageDeps): Promise<Finding[]> {
  const { run } = ctx;
  let session;
  try {
    session = await deps.source(run);
  } catch (err) {
    // a host we cannot reach may come back (the engine retries); a refused login or key does not
    const code = err instanceof AppError ? err.code : 'source_unreachable';
    throw new AppError(code, `source host ${run.sourceHost.name}: ${errorMessage(err)}`, { cause: err });
  }
  const state = await session.adapter.status(toCtid(run.container.sourceCtid), {
    signal: ctx.signal,
    timeoutMs: 30_000,
  });
  const reach = ok('source_reachable', `source host ${run.sourceHost.name} answers over SSH with its pinned key`);
  if (!state.exists)
    return [reach, bad('container_exists', `${containerLabel(run)} does not exist any more (vzctl status: deleted)`)];
  return [
    reach,
    ok('container_exists', `${containerLabel(run)} exists and is ${state.running ? 'running' : 'stopped'}`),
  ];
}

/** The hypervisor's rsync sends the container's files: one with the sender's symlink race is a warning (rsync-version.ts). */
async function checkSourceRsync(ctx: PreflightInput, deps: StageDeps): Promise<Finding> {
  const version = await sourceRsyncVersion((await deps.source(ctx.run)).host, ctx.signal);
  const warning = symlinkRaceWarning(version, ctx.run.sourceHost.name);
  if (warning) return { ok: true, warning: true, code: 'source_rsync', message: warning };
  return ok(
    'source_rsync',
    `rsync ${formatRsyncVersion(version)} on ${ctx.run.sourceHost.name} (protocol ${version.protocol})`,
  );
}

/** The box's rsync is the client the hypervisor's rsync talks to (rsync-version.ts). */
async function checkBoxRsync(ctx: PreflightInput, deps: StageDeps): Promise<Finding> {
  const version = await sourceRsyncVersion(deps.local, ctx.signal);
  const warning = boxRsyncWarning(version, ctx.run.box.name);
  if (warning) return { ok: true, warning: true, code: 'box_rsync', message: warning };
  return ok('box_rsync', `rsync ${formatRsyncVersion(version)} on ${ctx.run.box.name} (protocol ${version.protocol})`);
}

async function checkDisk(ctx: PreflightInput, deps: StageDeps): Promise<Finding> {
  const { container, box } = ctx.run;
  const need = diskNeedBytes((container.diskQuotaKb ?? 0n) * 1024n, (container.diskUsedKb ?? 0n) * 1024n);
  const free = await deps.freeDiskBytes(box.workDir);
  if (free >= need)
    return ok('box_free_disk', `converter box ${box.name} has ${formatBytes(free)} free, needs ${formatBytes(need)}`);
  return bad(
    'box_free_disk',
    `${containerLabel(ctx.run)}: converter box ${box.name} has ${formatBytes(free)} free in ${box.workDir}, needs ${formatBytes(need)}`,
  );
}

async function checkCloudStack(ctx: PreflightInput, deps: StageDeps): Promise<Finding[]> {
  const { container } = ctx.run;
  const [cs, mappings] = await Promise.all([deps.cloudstack(), deps.mappings()]);
  const limits = await readCloudStackLimits(cs.client, cs.zoneId);
  const templateServerUrl = ctx.run.box.templateServerUrl ? new URL(ctx.run.box.templateServerUrl) : undefined;
  const templateServerHost = templateServerUrl?.hostname;
  const findings = checkCloudStackLimits(limits, {
    label: containerLabel(ctx.run),
    diskSizeBytes: Number((container.diskQuotaKb ?? 0n) * 1024n),
    diskUsedBytes: Number((container.diskUsedKb ?? 0n) * 1024n),
    templateServerHost,
    templateServerPort: templateServerUrl && urlPort(templateServerUrl),
  });
  findings.push(checkOffering(ctx, mappings), checkOsType(ctx, mappings));
  let nics;
  try {
    nics = planNics(container.ips, mappings.networks);
    findings.push(
      ok(
        'networks_mapped',
        `every IP maps to a CloudStack network (${nics.length} NIC${nics.length === 1 ? '' : 's'})`,
      ),
    );
  } catch (err) {
    findings.push(bad('networks_mapped', `${containerLabel(ctx.run)}: ${(err as Error).message}`));
    return findings;
  }
  findings.push(await checkMappedNetworks(ctx, cs, mappings));
  findings.push(...(await ipsInUse(cs, nics, vmName(ctx.run))));
  return findings;
}

/**
 * The mappings this container's IPs use, against CloudStack's listNetworks:
 * the guest's default route and prefix come from them, so a blank or
 * mismatching gateway or CIDR stops the run here rather than giving a VM
 * without a default route.
 */
export async function checkMappedNetworks(
  ctx: PreflightInput,
  cs: CloudStackSession,
  mappings: TargetMappings,
): Promise<Finding> {
  const used = [
    ...new Set(ctx.run.container.ips.map((ip) => findNetwork(mappings.networks, ip.address)!).filter(Boolean)),
  ];
  const networks = await cs.client.listNetworks({ zoneId: cs.zoneId });
  const problems = checkNetworkMappings(used, networks);
  if (problems.length === 0)
    return ok('networks_match', `the gateway and CIDR of ${used.map((m) => m.cidr).join(', ')} are CloudStack's`);
  return bad(
    'networks_match',
    `${containerLabel(ctx.run)}: ${problems.map((p) => `network mapping ${p.name} (${used[p.index]!.cidr}), ${p.field}: ${p.reason}`).join('; ')}; fix it under Settings > Networks`,
  );
}

function checkOffering(ctx: PreflightInput, m: TargetMappings): Finding {
  const ram = ctx.run.container.ramMb ?? 0;
  const cpus = ctx.run.container.cpus || 1;
  const fit = pickOffering(m, ram, cpus);
  if (fit)
    return ok(
      'offering_mapped',
      `service offering ${fit.serviceOfferingName ?? ''} (${fit.maxRamMb} MB, ${fit.maxCpus} CPU) holds ${ram} MB / ${cpus} CPU`,
    );
  return bad(
    'offering_mapped',
    `${containerLabel(ctx.run)}: no service offering mapping holds ${ram} MB RAM and ${cpus} CPU; add one under Settings > Offerings`,
  );
}

function checkOsType(ctx: PreflightInput, m: TargetMappings): Finding {
  const os = parseOsTemplate(ctx.run.container.ostemplate);
  if (!os) return bad('ostype_mapped', `${containerLabel(ctx.run)}: no OS to map`);
  if (pickOsType(m, os)) {
    return ok('ostype_mapped', `${os.distribution} ${os.version} maps to a CloudStack OS type`);
  }
  return bad(
    'ostype_mapped',
    `${containerLabel(ctx.run)}: ${os.distribution} ${os.version} maps to no CloudStack OS type; add it under Settings > OS types`,
  );
}

async function checkRoute(ctx: PreflightInput, deps: StageDeps): Promise<Finding> {
  const settings = await deps.settings();
  const route = await routeTo(deps.local, ctx.run.sourceHost.address);
  const where = `traffic to ${ctx.run.sourceHost.name} (${ctx.run.sourceHost.address}) leaves over ${route.dev}${route.via ? ` via ${route.via}` : ''}`;
  if (settings.expectedRouteInterface && route.dev !== settings.expectedRouteInterface) {
    return bad(
      'interconnect_route',
      `${where}, not over the interconnect ${settings.expectedRouteInterface}; fix the route on ${ctx.run.box.name}`,
    );
  }
  if (settings.expectedNextHop && route.via !== settings.expectedNextHop) {
    return bad(
      'interconnect_route',
      `${where}, not via the interconnect next hop ${settings.expectedNextHop}; fix the route on ${ctx.run.box.name}`,
    );
  }
  return ok(
    'interconnect_route',
    where +
      (settings.expectedRouteInterface || settings.expectedNextHop
        ? ' (the interconnect)'
        : ' (no expected route configured)'),
  );
}

/** grub-legacy guests boot the boot ISO in deploy_vm: this box must serve one, or the settings name one. */
async function checkBootIso(ctx: PreflightInput, deps: StageDeps): Promise<Finding[]> {
  const os = parseOsTemplate(ctx.run.container.ostemplate);
  if (!os || !usesLegacyGrub(os)) return [];
  const { legacyBootIsoId } = await deps.settings();
  if (legacyBootIsoId)
    return [ok('boot_iso', `grub-legacy guest: the boot ISO ${legacyBootIsoId} from the settings makes it bootable`)];
  const iso = await deps.bootIso();
  if (iso)
    return [ok('boot_iso', `grub-legacy guest: converter box ${ctx.run.box.name} serves the boot ISO ${iso.name}`)];
  return [bad('boot_iso', `${containerLabel(ctx.run)}: ${noBootIsoMessage(ctx.run.box.name)}`)];
}

/** make_bootable runs the guest's tools in the appliance VM: a box without it would fail only after the initial sync */
function checkGuestJobs(ctx: PreflightInput, deps: StageDeps): Finding {
  const problem = deps.guestRunnerProblem();
  if (problem) return bad('guest_jobs', `converter box ${ctx.run.box.name}: ${problem}`);
  return ok('guest_jobs', `converter box ${ctx.run.box.name} can run the guest's tools in its appliance VM`);
}

/** the port a URL connects to: its own, or its scheme's */
function urlPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
