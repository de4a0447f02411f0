// A login on the VGA console (tty1) and the serial console (ttyS0), which
// OpenVZ guests have switched off: inittab for sysvinit, upstart jobs, or
// systemd getty units, and ttyS0 in securetty.
import type { DetectedOs } from '../detect';
import type { GuestFiles } from '../guest-files';
import { withOneTrailingNewline, withoutTrailingNewlines } from '../guest-text';
import { ENABLED_UNITS, HEADER, type FileWrite, type PlanCommand } from './types';

export interface ConsoleChanges {
  write: FileWrite[];
  remove: string[];
  commands: PlanCommand[];
}

const file = (path: string, content: string): FileWrite => ({ path, content, mode: 0o644 });

export function consoleChanges(os: DetectedOs, files: GuestFiles): ConsoleChanges {
  const out: ConsoleChanges = { write: [], remove: [], commands: [] };
  const securetty = files.read('/etc/securetty');
  if (securetty !== null && !/^ttyS0$/m.test(securetty))
    out.write.push(file('/etc/securetty', `${withOneTrailingNewline(securetty)}ttyS0\n`));
  if (os.init === 'sysvinit') out.write.push(file('/etc/inittab', inittab(os, files.read('/etc/inittab'))));
  if (os.init === 'upstart') {
    const getty = os.distribution === 'centos' ? '/sbin/agetty' : '/sbin/getty';
    const job = (dev: string, args: string) =>
      `# ${HEADER}\nstart on stopped rc RUNLEVEL=[2345]\nstop on runlevel [!2345]\n\nrespawn\nexec ${getty} ${args.replace('DEV', dev)}\n`;
    if (os.distribution === 'centos') {
      // CentOS 6 starts the gettys of ACTIVE_CONSOLES (/etc/init/start-ttys.conf)
      const init = files.read('/etc/sysconfig/init') ?? '';
      const next = /^ACTIVE_CONSOLES=/m.test(init)
        ? init.replace(/^ACTIVE_CONSOLES=.*$/m, 'ACTIVE_CONSOLES=/dev/tty1')
        : `${withOneTrailingNewline(init)}ACTIVE_CONSOLES=/dev/tty1\n`;
      out.write.push(file('/etc/sysconfig/init', next.replace(/^\n/, '')));
      out.write.push(file('/etc/init/ttyS0.conf', job('ttyS0', '-L 115200 DEV vt100')));
    } else {
      out.write.push(file('/etc/init/tty1.conf', job('tty1', '-8 38400 DEV')));
      out.write.push(file('/etc/init/ttyS0.conf', job('ttyS0', '-L 115200 DEV vt102')));
    }
  }
  if (os.init === 'systemd') {
    // OpenVZ templates mask the gettys; a mask is a link to /dev/null
    for (const unit of [
      'getty@.service',
      'serial-getty@.service',
      'getty@tty1.service',
      'serial-getty@ttyS0.service',
      'getty.target',
    ]) {
      if (files.exists(`/etc/systemd/system/${unit}`)) out.remove.push(`/etc/systemd/system/${unit}`);
    }
    out.commands.push({
      argv: ['systemctl', 'enable', ...ENABLED_UNITS.consoles],
      why: 'logins on tty1 and ttyS0',
    });
  }
  return out;
}

function inittab(os: DetectedOs, existing: string | null): string {
  const getty1 =
    os.distribution === 'centos' ? '1:2345:respawn:/sbin/mingetty tty1' : '1:2345:respawn:/sbin/getty 38400 tty1';
  const serial =
    os.distribution === 'centos'
      ? 'S0:2345:respawn:/sbin/agetty -L 115200 ttyS0 vt100'
      : 'T0:2345:respawn:/sbin/getty -L ttyS0 115200 vt100';
  const runlevel = os.distribution === 'centos' ? 'id:3:initdefault:' : 'id:2:initdefault:';
  // linear time whatever the guest put there (a 2 MiB line of "getty getty ..." stalled the worker's
  // event loop for minutes with /^[^#].*getty.*\btty1\b/): no regex here backtracks over a line
  let lines = withoutTrailingNewlines(existing ?? `${runlevel}\n`).split('\n');
  // OpenVZ comments the gettys out: bring tty1's back, leave tty2-6 off
  lines = lines.map((l) => {
    const off = /^#\s*1:\d+:respawn:/.exec(l);
    return off && gettyThen(l, off[0].length, 'tty1\\b') ? l.replace(/^#\s*/, '') : l;
  });
  const active = (tty: string) => lines.some((l) => l !== '' && l[0] !== '#' && gettyThen(l, 1, `\\b${tty}\\b`));
  if (!active('tty1')) lines.push(getty1);
  if (!active('ttyS0')) lines.push(`# serial console (vzferry)`, serial);
  return `${lines.join('\n')}\n`;
}

/** /getty.*<word>/ from `from` on, in linear time: the word is looked for after the first "getty" only. */
function gettyThen(line: string, from: number, word: string): boolean {
  const at = line.indexOf('getty', from);
  if (at < 0) return false;
  const after = new RegExp(word, 'g');
  after.lastIndex = at + 'getty'.length;
  return after.test(line);
}
