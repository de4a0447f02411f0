// The lab's VMs do not run, except one started with an ISO in its drive:
// that one boots under QEMU, as the KVM agent would run it (the ISO first,
// then the ROOT volume; IDE disk and e1000 NIC for an IDE-era OS type,
// virtio otherwise), with user-mode networking so the guest reaches this
// machine's addresses. When the guest powers itself off, the VM becomes
// Stopped, as CloudStack's power-state sync makes it after a PowerOff report.
// The boot ISO of grub-legacy guests depends on exactly that: it runs its job,
// calls back and powers off. The serial console goes to
// <lab>/cloudstack/console/<vm id>.log.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

export interface VmPowerBoot {
  vmId: string;
  iso: string;
  rootVolume: string;
  /** IDE disk and e1000 (an IDE-era OS type) or virtio disk and NIC */
  bus: 'ide' | 'virtio';
  /** the guest halted by itself (not after kill) */
  onPowerOff(): void;
}

export interface VmPower {
  boot(req: VmPowerBoot): void;
  /** pulls the plug (stopVirtualMachine, destroyVirtualMachine) */
  kill(vmId: string): Promise<void>;
  running(vmId: string): boolean;
  stop(): Promise<void>;
}

export function qemuVmPower(labDir: string, log: (line: string) => void = () => undefined): VmPower {
  const children = new Map<string, ChildProcess>();
  const consoleDir = path.join(labDir, 'cloudstack', 'console');

  const kill = async (vmId: string) => {
    const child = children.get(vmId);
    if (!child) return;
    children.delete(vmId);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  };

  return {
    boot(req) {
      if (children.has(req.vmId)) return;
      mkdirSync(consoleDir, { recursive: true });
      ownCopy(req.rootVolume);
      const consoleLog = path.join(consoleDir, `${req.vmId}.log`);
      const nic = req.bus === 'ide' ? 'e1000' : 'virtio-net-pci';
      const args = [
        '-accel',
        'tcg',
        '-cpu',
        'max',
        '-m',
        '512',
        '-smp',
        '1',
        '-display',
        'none',
        '-no-reboot',
        '-serial',
        `file:${consoleLog}`,
        '-cdrom',
        req.iso,
        '-boot',
        'd',
        '-drive',
        `file=${req.rootVolume},if=${req.bus},format=qcow2`,
        '-netdev',
        'user,id=n0',
        '-device',
        `${nic},netdev=n0`,
      ];
      const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      children.set(req.vmId, child);
      log(`VM ${req.vmId} boots ${path.basename(req.iso)} under QEMU (${req.bus}); console ${consoleLog}`);
      child.on('exit', (code, signal) => {
        if (children.get(req.vmId) !== child) return; // killed by stop/destroy
        children.delete(req.vmId);
        log(`VM ${req.vmId} powered off (QEMU ${signal ?? `exit ${code}`})${code ? `: ${stderr.trim()}` : ''}`);
        req.onPowerOff();
      });
      child.on('error', (err) => log(`VM ${req.vmId}: QEMU did not start: ${err.message}`));
    },
    kill,
    running: (vmId) => children.has(vmId),
    async stop() {
      await Promise.all([...children.keys()].map(kill));
    },
  };
}

/**
 * A deploy hard-links the ROOT volume to the template's bytes (simulator.ts);
 * a running guest writes to its disk, so it gets a copy of its own first.
 */
function ownCopy(file: string): void {
  if (statSync(file).nlink <= 1) return;
  const tmp = `${file}.copy`;
  copyFileSync(file, tmp);
  renameSync(tmp, file);
}
