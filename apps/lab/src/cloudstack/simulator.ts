// The simulated management server's memory: state (persisted under the lab
// dir), faults, the secondary storage and the job runner.
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Faults } from './faults';
import { JobRunner } from './jobs';
import { SecondaryStorage } from './secondary-storage';
import { seedState } from './seed';
import { type LabConfiguration, type LabState, type LabTemplate, type LabVm, loadState, saveState } from './state';
import type { VmNetwork } from './vm-network';
import type { VmPower } from './vm-power';

export interface SimulatorOptions {
  dir: string;
  /** download rate of each image store's SSVM in bytes/s; 0 = as fast as the source serves */
  downloadRateBytesPerSec: number;
  /** Starting -> Running, Stopping -> Stopped */
  vmTransitionMs: number;
  /** how long "Installing Template" lasts */
  installMs: number;
  /** an SSVM download that gets no data for this long fails with "Read timed out" */
  readTimeoutMs: number;
  /** how often listTemplates' download state catches up with the SSVM (DownloadListener: 10 s) */
  downloadPollMs: number;
  /** the version the lab plays (listCapabilities cloudstackversion); up to 4.12 template URLs need port 80, 8080 or 443 */
  cloudstackVersion: string;
  /** makes the Running VMs' addresses answer on this machine (vm-network.ts) */
  vmNetwork?: VmNetwork;
  /** runs a VM started with an ISO attached under QEMU (vm-power.ts) */
  vmPower?: VmPower;
}

/**
 * LibvirtComputingResource.isGuestPVEnabled, for the lab's OS types: IDE-era
 * types (CentOS 4, "Other Linux", "Other") get an IDE disk and an e1000 NIC.
 */
export function pvEnabled(osTypeDescription: string): boolean {
  return !/^(CentOS 4|Other Linux|Other \()/.test(osTypeDescription);
}

export class Simulator {
  readonly state: LabState;
  readonly faults = new Faults();
  readonly storage: SecondaryStorage;
  readonly jobs: JobRunner;
  private saveTimer: NodeJS.Timeout | undefined;
  /** VMs that run but do not answer (the silentVms fault, decided at each start; forgotten when the lab restarts) */
  private readonly silentVms = new Set<string>();
  private closed = false;

  constructor(readonly options: SimulatorOptions) {
    this.state = loadState(options.dir) ?? seedState();
    this.jobs = new JobRunner(
      () => this.state,
      () => this.changed(true),
    );
    this.storage = new SecondaryStorage({
      dir: options.dir,
      templates: () => this.state.templates,
      stores: () => this.state.imageStores,
      setting: (name) => this.setting(name),
      takeDownloadFault: () => this.faults.takeDownloadFault(),
      takeNeverStart: () => this.faults.takeNeverStart(),
      downloadPollMs: options.downloadPollMs,
      rateBytesPerSec: () => this.faults.state.slowDownloadsBytesPerSec ?? options.downloadRateBytesPerSec,
      fullStorage: () => this.faults.state.fullStorage,
      installMs: options.installMs,
      readTimeoutMs: options.readTimeoutMs,
      changed: (urgent) => this.changed(urgent),
    });
    this.recoverAfterRestart();
    this.saveNow();
    options.vmNetwork?.sync(this.runningVmIps());
    this.storage.resume();
  }

  /** A restart ends what was in flight: pending jobs fail, transitions settle, downloads restart. */
  private recoverAfterRestart(): void {
    this.jobs.failOrphans();
    for (const vm of this.state.vms) {
      if (vm.state === 'Starting') vm.state = 'Running';
      if (vm.state === 'Stopping') vm.state = 'Stopped';
    }
  }

  /**
   * The VM's ROOT volume on the lab's primary storage: like CloudStack, the
   * first start copies the template there (a hard link: the bytes the
   * secondary storage downloaded), so it outlives the template's deletion.
   */
  rootVolumePath(vmId: string): string {
    return path.join(this.options.dir, 'cloudstack', 'primary', `${vmId}-ROOT.qcow2`);
  }

  /** a VM deployed with startvm=false has none until its first start */
  hasRootVolume(vmId: string): boolean {
    return existsSync(this.rootVolumePath(vmId));
  }

  createRootVolume(vmId: string, template: LabTemplate): void {
    const from = this.storage.readyFile(template);
    // a template put into the state by a test has no file: its VM has no volume to look at
    if (!from || !existsSync(from)) return;
    const to = this.rootVolumePath(vmId);
    mkdirSync(path.dirname(to), { recursive: true });
    rmSync(to, { force: true });
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }

  /**
   * The VM becomes Running (called before the change is published): the
   * silentVms fault takes it; with an ISO in its drive and QEMU at hand it
   * really boots (the ISO first); when its guest powers off, it is Stopped.
   */
  powerOn(vm: LabVm): void {
    // each start decides afresh: a VM that was silent may answer after a restart
    if (this.faults.takeSilentVm()) this.silentVms.add(vm.id);
    else this.silentVms.delete(vm.id);
    const iso = vm.isoid ? this.state.templates.find((t) => t.id === vm.isoid) : undefined;
    const isoFile = iso && this.storage.readyFile(iso);
    const root = this.rootVolumePath(vm.id);
    if (!this.options.vmPower || !isoFile || !existsSync(root)) return;
    const osType = this.state.osTypes.find((o) => o.id === vm.ostypeid);
    this.options.vmPower.boot({
      vmId: vm.id,
      iso: isoFile,
      rootVolume: root,
      bus: pvEnabled(osType?.description ?? '') ? 'virtio' : 'ide',
      onPowerOff: () => {
        if (vm.state !== 'Running') return;
        vm.state = 'Stopped';
        this.changed();
      },
    });
  }

  /** stop and destroy pull the plug of a VM running under QEMU */
  async powerOff(vm: LabVm): Promise<void> {
    await this.options.vmPower?.kill(vm.id);
  }

  /** every address of the Running VMs (primary and secondary, all NICs) */
  runningVmIps(): string[] {
    return this.state.vms
      .filter((vm) => vm.state === 'Running' && !this.silentVms.has(vm.id))
      .flatMap((vm) =>
        vm.nics.flatMap((n) => [
          n.ipaddress,
          ...(n.ip6address ? [n.ip6address] : []),
          ...n.secondaryips.map((s) => s.ipaddress),
        ]),
      );
  }

  setting(name: string): string | null {
    return this.config(name)?.value ?? null;
  }

  config(name: string): LabConfiguration | undefined {
    return this.state.configurations.find((c) => c.name === name);
  }

  /** Persist now, or within half a second for frequent progress updates. */
  changed(urgent = true): void {
    if (this.closed) return;
    this.options.vmNetwork?.sync(this.runningVmIps());
    if (urgent) return this.saveNow();
    this.saveTimer ??= setTimeout(() => this.saveNow(), 500);
  }

  private saveNow(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    saveState(this.options.dir, this.state);
  }

  /**
   * The management server dies (a restart): downloads stop, the state is written as it is, with the jobs in
   * flight still pending (the next start cancels them); what those jobs still do in memory is not saved.
   */
  async crash(): Promise<void> {
    this.storage.stop();
    this.saveNow();
    this.closed = true;
    this.jobs.abandonHeld();
    await this.options.vmPower?.stop();
    await this.options.vmNetwork?.stop();
  }

  /** Let running jobs and downloads finish (tests). */
  async idle(): Promise<void> {
    await Promise.all([this.jobs.idle(), this.storage.idle()]);
  }

  /** Stops downloads (they restart with the next start), lets jobs end, writes the state. */
  async close(): Promise<void> {
    this.storage.stop();
    this.jobs.abandonHeld();
    await this.idle();
    this.saveNow();
    this.closed = true;
    await this.options.vmPower?.stop();
    await this.options.vmNetwork?.stop();
  }
}
