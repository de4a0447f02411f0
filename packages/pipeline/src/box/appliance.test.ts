import { describe, expect, it } from 'vitest';
import { decodeResult, encodeJob, qemuArgv } from './appliance';
import type { GuestJob } from './guest-job';

const job: GuestJob = {
  env: { INITRD: 'No' },
  commands: [
    { argv: ['dpkg-query', '-W', '-f=${Status}', 'grub-pc'], mayFail: true },
    { argv: ['printf', '', 'a b\n'] },
  ],
};
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('the job disk', () => {
  it('carries every argument and the environment in base64, an empty argument as "-"', () => {
    const lines = encodeJob(job).split('\n');
    expect(lines).toContain(`env ${b64('INITRD=No')}`);
    expect(lines).toContain(`env ${b64('LC_ALL=C')}`);
    expect(lines.filter((l) => l.startsWith('env '))).not.toContain(expect.stringMatching(b64('DATABASE_URL')));
    expect(lines).toContain(`cmd 1 ${['dpkg-query', '-W', '-f=${Status}', 'grub-pc'].map(b64).join(' ')}`);
    expect(lines).toContain(`cmd 0 ${b64('printf')} - ${b64('a b\n')}`);
    expect(lines.at(-2)).toBe('end');
  });
});

describe("the appliance's result", () => {
  const ok = [
    'VZFERRY-RESULT 1',
    `cmd 0 1  ${b64('dpkg-query: no packages found matching grub-pc\n')}`,
    `cmd 1 0 ${b64('a b\n')} `,
    `changed ${b64('/boot/initrd.img-6.1.0-27-amd64')}`,
    `changed ${b64('/boot/grub/grub.cfg')}`,
    'end',
    '',
  ].join('\n');

  it('gives each command its argv, status and output, and the changed files sorted', () => {
    expect(decodeResult(ok, job)).toEqual({
      commands: [
        {
          argv: job.commands[0]!.argv,
          code: 1,
          stdoutTail: '',
          stderrTail: 'dpkg-query: no packages found matching grub-pc\n',
        },
        { argv: job.commands[1]!.argv, code: 0, stdoutTail: 'a b\n', stderrTail: '' },
      ],
      changed: ['/boot/grub/grub.cfg', '/boot/initrd.img-6.1.0-27-amd64'],
      changedTruncated: false,
    });
  });

  it('is refused when it is not complete or not what the VM should have written', () => {
    expect(() => decodeResult('', job)).toThrow(/wrote no result/);
    expect(() => decodeResult(ok.replace('end\n', ''), job)).toThrow(/stopped before it finished/);
    expect(() => decodeResult(ok.replace('cmd 1 0', 'cmd 7 0'), job)).toThrow(/bad line/);
    expect(() => decodeResult(ok.replace('cmd 1 0', 'cmd 1 300'), job)).toThrow(/bad line/);
    expect(() =>
      decodeResult(ok.replace(`changed ${b64('/boot/grub/grub.cfg')}`, `changed ${b64('../x')}`), job),
    ).toThrow(/bad path/);
    expect(() => decodeResult(ok.replace('end', 'rm -rf /\nend'), job)).toThrow(/bad line/);
    expect(() => decodeResult('VZFERRY-RESULT 1\nerror no-guest-fs\nend\n', job)).toThrow(/not an ext4 file system/);
  });
});

describe("QEMU's command line", () => {
  const argv = qemuArgv({
    image: { kernel: '/k', initrd: '/i' },
    accel: 'tcg',
    disk: '/dev/loop7',
    job: '/w/job.img',
    result: '/w/result.img',
  });

  it('has no network device, no default devices and no share of the host', () => {
    expect(argv).toEqual(expect.arrayContaining(['-nodefaults', '-no-user-config']));
    expect(argv.join(' ')).toContain('-nic none');
    expect(argv.filter((a) => /netdev|virtfs|fsdev|-net$|9p|vhost/.test(a))).toEqual([]);
  });

  it('runs QEMU as nobody under its seccomp sandbox', () => {
    expect(argv.join(' ')).toContain('-runas nobody -sandbox on,');
  });

  it('gives the work disk, the job read-only and the result, in that order (vda, vdb, vdc)', () => {
    const drives = argv.filter((_, i) => argv[i - 1] === '-drive');
    expect(drives).toEqual([
      'file=/dev/loop7,format=raw,if=virtio,cache=none,aio=threads',
      'file=/w/job.img,format=raw,if=virtio,readonly=on',
      'file=/w/result.img,format=raw,if=virtio',
    ]);
  });
});
