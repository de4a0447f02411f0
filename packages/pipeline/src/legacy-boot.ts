// deploy_vm for grub-legacy guests (CentOS 4-6; docs/architecture.md, "Field lessons"): the
// VM first runs as an IDE-era OS type and boots the boot ISO, whose job
// installs grub 0.97 and an initrd with virtio drivers with the guest's own
// tools, calls back to this box's template server and powers off. Then the
// ISO comes out, the VM moves to its virtio OS type and starts from its disk.
//
// Every step looks at what CloudStack and the database already say first,
// so a resumed or retried attempt carries on where the last one stopped.
import type { JobWaitOptions as JobWait, Template, VirtualMachine } from '@vzferry/cloudstack';
import path from 'node:path';
import { type ConversionPlan, guestRoot, parseOsTemplate } from '@vzferry/guest';
import { AppError, sleep } from '@vzferry/core';
import type { StageContext } from './stage-contract';
import { type CloudStackSession, containerLabel, type StageDeps } from './stage-deps';
import { downloadFailed } from './template-status';
import { pickOsType } from './target-choice';

const POLL_MS = 3_000;
/** the ISO powers the VM off after its call back; past this, stop it */
const POWER_OFF_GRACE_MS = 120_000;

export async function bootLegacyGuest(
  ctx: StageContext,
  deps: StageDeps,
  cs: CloudStackSession,
  vm: VirtualMachine,
  jobWait: JobWait,
): Promise<VirtualMachine> {
  const iso = (ctx.run.state.conversionPlan as ConversionPlan).legacyBootIso!;
  let callback = await deps.bootCallbacks.read(ctx.run.runId);
  if (callback && callback.exitStatus !== 0) {
    ctx.log('info', `the boot ISO's last job failed (status ${callback.exitStatus}); booting it again`);
    await deps.bootCallbacks.clear(ctx.run.runId);
    callback = null;
  }
  if (!callback) {
    vm = await bootIso(ctx, deps, cs, vm, jobWait);
    callback = await waitForCallback(ctx, deps, vm);
  }
  const target = iso.switchToVirtio ? await virtioOsType(ctx, deps) : vm.ostypeid;
  // an attempt that stopped after the restart below: the VM runs from its disk already
  if (vm.state === 'Running' && !vm.isoid && vm.ostypeid === target) return vm;
  ctx.log('info', `the boot ISO's job succeeded on ${vm.name}:\n${lastLines(callback.log, 15)}`);
  vm = await waitForPowerOff(ctx, cs, vm, jobWait);
  if (vm.isoid) vm = await cs.client.detachIso({ virtualMachineId: vm.id }, jobWait);
  if (target && vm.ostypeid !== target) {
    ctx.log('info', `${vm.name}: OS type ${vm.ostypeid ?? '?'} -> ${target} (virtio disk and NIC)`);
    vm = await cs.client.updateVirtualMachine({ id: vm.id, osTypeId: target });
  }
  ctx.log('info', `starting ${vm.name} from its own disk`);
  return cs.client.startVirtualMachine({ id: vm.id }, jobWait);
}

/**
 * Where the boot ISO calls back, with a one-time token (the run keeps only
 * its hash, written by issueToken; an earlier call back is forgotten), in
 * the guest at `file`. Returns the box's URL.
 */
export async function writeBootCallback(
  ctx: StageContext,
  deps: StageDeps,
  mount: string,
  file: string,
): Promise<string> {
  const base = ctx.run.box.templateServerUrl;
  if (!base)
    throw new AppError(
      'no_template_server',
      `converter box ${ctx.run.box.name} has no template server URL for the boot ISO to call back to`,
    );
  const token = await deps.bootCallbacks.issueToken(ctx.run.runId);
  // the guest may have made the path a link (out of the guest, to leak the token): resolved inside it
  const g = guestRoot(mount);
  g.mkdir(path.posix.dirname(file), 0o700);
  g.write(file, `url=${base}/boot-callback/${ctx.run.runId}\ntoken=${token}\n`, 0o600);
  return base;
}

/** The VM with the ISO in its drive, started; a VM already running the ISO is left to it. */
export async function bootIso(
  ctx: StageContext,
  deps: StageDeps,
  cs: CloudStackSession,
  vm: VirtualMachine,
  jobWait: JobWait,
): Promise<VirtualMachine> {
  const isoId = await ensureBootIso(ctx, deps, cs);
  if (vm.state === 'Running' && vm.isoid === isoId && ctx.resumed) {
    ctx.log('info', `${vm.name} is running the boot ISO already (a resumed attempt); waiting for its call back`);
    return vm;
  }
  if (vm.state === 'Running' || vm.state === 'Starting')
    vm = await cs.client.stopVirtualMachine({ id: vm.id, forced: true }, jobWait);
  if (vm.isoid !== isoId) {
    if (vm.isoid) vm = await cs.client.detachIso({ virtualMachineId: vm.id }, jobWait);
    vm = await cs.client.attachIso({ id: isoId, virtualMachineId: vm.id }, jobWait);
  }
  ctx.log('info', `booting ${vm.name} from the boot ISO (OS type ${vm.ostypeid ?? '?'})`);
  return cs.client.startVirtualMachine({ id: vm.id }, jobWait);
}

export async function waitForCallback(ctx: StageContext, deps: StageDeps, vm: VirtualMachine) {
  const { legacyCallbackTimeoutMinutes } = await deps.settings();
  const started = ctx.now().getTime();
  const deadline = started + legacyCallbackTimeoutMinutes * 60_000;
  for (;;) {
    const callback = await deps.bootCallbacks.read(ctx.run.runId);
    if (callback?.exitStatus === 0) return callback;
    if (callback) {
      throw new AppError(
        'boot_job_failed',
        `the boot ISO's job on ${vm.name} exited with status ${callback.exitStatus}:\n${lastLines(callback.log, 20)}`,
      );
    }
    const waited = Math.round((ctx.now().getTime() - started) / 1000);
    if (ctx.now().getTime() > deadline) {
      throw new AppError(
        'boot_iso_timeout',
        `the boot ISO on ${vm.name} did not call back within ${legacyCallbackTimeoutMinutes} min; its console in CloudStack shows why (lines start with "vzferry-boot:"); Retry boots it again`,
      );
    }
    ctx.progress({
      percent: Math.min(99, (waited / (legacyCallbackTimeoutMinutes * 60)) * 100),
      message: `waiting for the boot ISO's call back (${waited} s)`,
    });
    await sleep(POLL_MS, ctx.signal);
  }
}

export async function waitForPowerOff(
  ctx: StageContext,
  cs: CloudStackSession,
  vm: VirtualMachine,
  jobWait: JobWait,
  /** what it was to power off after, for the log */
  after = 'the call back',
): Promise<VirtualMachine> {
  const deadline = ctx.now().getTime() + POWER_OFF_GRACE_MS;
  for (;;) {
    const [now] = await cs.client.listVirtualMachines({ id: vm.id });
    if (!now) throw new AppError('vm_missing', `VM ${vm.name} disappeared from CloudStack`);
    if (now.state === 'Stopped') return now;
    if (ctx.now().getTime() > deadline) {
      ctx.log('warn', `${vm.name} is still ${now.state} ${POWER_OFF_GRACE_MS / 1000} s after ${after}; stopping it`);
      return cs.client.stopVirtualMachine({ id: vm.id, forced: true }, jobWait);
    }
    await sleep(POLL_MS, ctx.signal);
  }
}

/**
 * The CloudStack ISO to boot: the one set in the settings, or this box's
 * ISO, registered once per zone under a name made from its checksum and
 * reused by every run and box serving the same bytes.
 */
export async function ensureBootIso(ctx: StageContext, deps: StageDeps, cs: CloudStackSession): Promise<string> {
  const settings = await deps.settings();
  if (settings.legacyBootIsoId)
    return readyIso(ctx, cs, settings.legacyBootIsoId, settings.templateDownloadTimeoutMinutes);
  const file = await deps.bootIso();
  if (!file) throw new AppError('boot_iso_missing', noBootIsoMessage(ctx.run.box.name));
  const existing = (await cs.client.listIsos({ name: file.name, zoneId: cs.zoneId })).filter(
    (i) => i.name === file.name && !downloadFailed(i),
  );
  const usable = existing.find((i) => i.isready) ?? existing[0];
  if (usable) return readyIso(ctx, cs, usable.id, settings.templateDownloadTimeoutMinutes);
  const os = parseOsTemplate(ctx.run.container.ostemplate);
  const mapped = os ? pickOsType(await deps.mappings(), os) : null;
  ctx.log('info', `registering the boot ISO ${file.name} from ${file.url}`);
  const iso = await cs.client.registerIso({
    name: file.name,
    displayText: 'vzferry boot ISO: makes grub-legacy guests bootable',
    url: file.url,
    zoneId: cs.zoneId,
    osTypeId: mapped?.legacyOsTypeId ?? mapped?.osTypeId,
    bootable: true,
  });
  return readyIso(ctx, cs, iso.id, settings.templateDownloadTimeoutMinutes);
}

export function noBootIsoMessage(boxName: string): string {
  return `converter box ${boxName} has no boot ISO for grub-legacy guests: build it there with "npm run boot-iso -- --out <work dir>/vzferry-boot.iso" (or set BOOT_ISO) and restart its worker`;
}

async function readyIso(ctx: StageContext, cs: CloudStackSession, id: string, timeoutMinutes: number): Promise<string> {
  const deadline = ctx.now().getTime() + timeoutMinutes * 60_000;
  for (;;) {
    const [iso]: Template[] = await cs.client.listIsos({ id, zoneId: cs.zoneId });
    if (!iso) throw new AppError('boot_iso_missing', `the boot ISO ${id} is not in CloudStack`);
    if (iso.isready) return iso.id;
    if (downloadFailed(iso))
      throw new AppError(
        'boot_iso_download',
        `CloudStack could not download the boot ISO ${iso.name}: ${iso.status ?? 'download error'}`,
      );
    if (ctx.now().getTime() > deadline)
      throw new AppError(
        'boot_iso_download',
        `the boot ISO ${iso.name} was not Ready within ${timeoutMinutes} min (${iso.status ?? 'no status'})`,
      );
    ctx.progress({ message: `boot ISO ${iso.name}: ${iso.status ?? 'downloading'}` });
    await sleep(POLL_MS, ctx.signal);
  }
}

async function virtioOsType(ctx: StageContext, deps: StageDeps): Promise<string> {
  const os = parseOsTemplate(ctx.run.container.ostemplate);
  const mapped = os ? pickOsType(await deps.mappings(), os) : null;
  if (!mapped)
    throw new AppError('mapping_missing', `${containerLabel(ctx.run)}: the OS type mapping went away since preflight`);
  return mapped.osTypeId;
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
