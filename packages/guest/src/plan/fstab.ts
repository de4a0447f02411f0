// /etc/fstab of the VM: the root file system by UUID, the guest's own other
// mounts kept (NFS, bind mounts, extra disks it names), and OpenVZ's lines
// dropped (simfs root, devpts/proc/sysfs/shm entries the container got).
import type { DetectedOs } from '../detect';
import { HEADER } from './types';

const OPENVZ_ONLY =
  /^\s*(none|proc|sysfs|devpts|tmpfs|\/dev\/simfs|\/dev\/ploop\S*)\s+(\/|\/proc|\/sys|\/dev\/pts|\/dev\/shm|\/run\S*)\s/;

export function fstab(os: DetectedOs, existing: string | null, rootUuid: string, fsType: string): string {
  const kept = (existing ?? '')
    .split('\n')
    .filter(
      (l) => l.trim() !== '' && !l.trim().startsWith('#') && !OPENVZ_ONLY.test(l) && l.trim().split(/\s+/)[1] !== '/',
    );
  const lines = [
    `# ${HEADER}`,
    `UUID=${rootUuid} / ${fsType} defaults${os.family === 'debian' ? ',errors=remount-ro' : ''} 0 1`,
  ];
  if (os.family === 'redhat' && Number(os.version) <= 6) {
    lines.push(
      'tmpfs /dev/shm tmpfs defaults 0 0',
      'devpts /dev/pts devpts gid=5,mode=620 0 0',
      'sysfs /sys sysfs defaults 0 0',
      'proc /proc proc defaults 0 0',
    );
  }
  if (os.family === 'debian' && os.init === 'sysvinit') lines.push('proc /proc proc defaults 0 0');
  if (kept.length) lines.push('# kept from the container', ...kept);
  return `${lines.join('\n')}\n`;
}
