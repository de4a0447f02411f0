// Stage 14: the VM, with the container's own IPs on the mapped networks
// (one NIC per network, iptonetworklist), extra IPs with addIpToNic. Found by
// its name first, so a repeated attempt never deploys twice. A grub-legacy
// guest is deployed stopped and boots the boot ISO first (legacy-boot.ts); a
// staged run's VM is deployed stopped and stays so until the cutover
// (staged-vm.ts).
import type { JobWaitOptions as JobWait, VirtualMachine } from '@vzferry/cloudstack';
import { type ConversionPlan, parseOsTemplate } from '@vzferry/guest';
import { type PlannedNic, planNics } from '../nic-plan';
import { AppError } from '@vzferry/core';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import { type CloudStackSession, containerLabel, imageChecksum, type StageDeps, vmName } from '../stage-deps';
import { bootLegacyGuest } from '../legacy-boot';
import { stageVm } from '../staged-vm';
import { pickOffering, pickOsType } from '../target-choice';

export async function deployVm(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const { run } = ctx;
  const [cs, mappings, settings] = await Promise.all([deps.cloudstack(), deps.mappings(), deps.settings()]);
  const nics = planNics(run.container.ips, mappings.networks);
  const name = vmName(run);
  // every CloudStack job of the stage waits at most the configured deploy time-out
  const jobWait: JobWait = { deadlineMs: settings.deployTimeoutSeconds * 1000, signal: ctx.signal };
  // a grub-legacy guest first boots the boot ISO (legacy-boot.ts): deployed stopped
  const legacy = Boolean((run.state.conversionPlan as ConversionPlan | null)?.legacyBootIso);
  // staged: the VM waits, stopped, for the window (its customer's container still runs on the IPs)
  const staged = run.state.cutoverPath === 'staged';
  const existing = await cs.client.findVirtualMachineByName(name);
  // a staged VM whose template is gone already: only its own clean-up is left (stageVm)
  let vm = staged && existing && existing.state !== 'Error' ? existing : null;
  if (!vm) {
    const template = await readyTemplate(ctx, deps);
    vm = await reusableVm(ctx, cs, existing, template, jobWait);
    vm ??= await deploy(ctx, cs, nics, name, mappings, template, { ...jobWait, startVm: !legacy && !staged });
  }
  await addExtraIps(ctx, cs, vm, nics, jobWait);
  if (legacy) vm = await bootLegacyGuest(ctx, deps, cs, vm, jobWait);
  if (staged) vm = await stageVm(ctx, deps, cs, vm, jobWait);
  return succeeded(
    { cloudstackVmId: vm.id, cloudstackVmName: vm.name },
    {
      message: `VM ${vm.name} deployed with ${nics.length} NIC(s)${staged ? ', stopped until the cutover; its template deleted' : ''}`,
      result: { vmId: vm.id, nics: vm.nic.map((n) => ({ network: n.networkid, ip: n.ipaddress, mac: n.macaddress })) },
    },
  );
}

/** The template of the run's current image (register_template made it ready). */
async function readyTemplate(ctx: StageContext, deps: StageDeps): Promise<string> {
  const checksum = imageChecksum(ctx.run);
  const template = (await deps.templates.list(ctx.run.runId)).find(
    (t) => t.state === 'ready' && t.cloudstackTemplateId && t.checksum === checksum,
  );
  if (!template)
    throw new AppError(
      'template_missing',
      `${containerLabel(ctx.run)}: no registered template of the current image is ready`,
    );
  return template.cloudstackTemplateId!;
}

/**
 * The VM an earlier attempt deployed, if it is still of use: one from an
 * earlier image of this run (deployed before a rollback, while the container
 * then ran on) or one that ended in Error is expunged, so the VM gets the
 * container as it is now. The VM's name is this run's own.
 */
async function reusableVm(
  ctx: StageContext,
  cs: CloudStackSession,
  vm: VirtualMachine | null,
  templateId: string,
  jobWait: JobWait,
) {
  if (!vm) return null;
  const why =
    vm.state === 'Error'
      ? 'ended in Error'
      : vm.templateid !== undefined && vm.templateid !== templateId
        ? 'was deployed from an earlier image of this run'
        : null;
  if (!why) {
    ctx.log('info', `VM ${vm.name} exists already (${vm.id}); not deploying again`);
    return vm;
  }
  ctx.log('warn', `VM ${vm.name} (${vm.id}) ${why}: expunging it and deploying again`);
  await cs.client.destroyVirtualMachine({ id: vm.id, expunge: true }, jobWait);
  return null;
}

async function deploy(
  ctx: StageContext,
  cs: CloudStackSession,
  nics: PlannedNic[],
  name: string,
  mappings: Awaited<ReturnType<StageDeps['mappings']>>,
  templateId: string,
  opts: JobWait & { startVm: boolean },
): Promise<VirtualMachine> {
  const { startVm, ...jobWait } = opts;
  const { run } = ctx;
  const offering = pickOffering(mappings, run.container.ramMb, run.container.cpus);
  const os = parseOsTemplate(run.container.ostemplate);
  if (!offering || !os || !pickOsType(mappings, os))
    throw new AppError(
      'mapping_missing',
      `${containerLabel(run)}: the offering or OS type mapping went away since preflight`,
    );
  ctx.log(
    'info',
    `deploying ${name}: ${nics.map((n) => `${n.device} ${n.primary.address} on ${n.network.name}`).join(', ')}`,
  );
  return cs.client.deployVirtualMachine(
    {
      zoneId: cs.zoneId,
      serviceOfferingId: offering.serviceOfferingId,
      templateId,
      name,
      displayName: (run.container.hostname ?? name).slice(0, 255),
      ipToNetworkList: nics.map((n) => ({
        networkId: n.network.cloudstackNetworkId,
        ...(n.primary.address.includes(':') ? { ipv6: n.primary.address } : { ip: n.primary.address }),
        ...(n.ipv6[0] && { ipv6: n.ipv6[0].address }),
      })),
      startVm,
    },
    jobWait,
  );
}

async function addExtraIps(
  ctx: StageContext,
  cs: CloudStackSession,
  vm: VirtualMachine,
  nics: PlannedNic[],
  jobWait: JobWait,
) {
  for (const nic of nics) {
    const vmNic = vm.nic.find((n) => n.networkid === nic.network.cloudstackNetworkId);
    if (!vmNic) throw new AppError('nic_missing', `VM ${vm.name} has no NIC on network ${nic.network.name}`);
    const have = new Set(
      [vmNic.ipaddress, vmNic.ip6address, ...(vmNic.secondaryip ?? []).map((s) => s.ipaddress)].filter(Boolean),
    );
    const wanted = [...nic.extra.map((e) => e.address), ...nic.ipv6.slice(1).map((e) => e.address)];
    for (const ip of wanted.filter((a) => !have.has(a))) {
      ctx.log('info', `adding ${ip} to ${nic.device} of ${vm.name}`);
      await cs.client.addIpToNic({ nicId: vmNic.id, ipAddress: ip }, jobWait);
    }
  }
}
