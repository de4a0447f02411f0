// backup_config and rewrite_config on a guest whose links lead out of it: the
// backup folder, /etc/network, /etc/default/grub, rc.local, a file to remove
// and a file to link all aim at a canary directory beside the guest root
// (the host's own files in a real attack). Nothing under the canary may
// change, the backup must hold the guest's own files (never the canary's),
// and the writes must land inside the guest where the kernel would put them
// with the guest's root as "/".
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversionPlan } from '@vzferry/guest';
import { snapshotTree } from '@vzferry/guest/testing';
import { backupPlanFiles, rewritePlanFiles } from './apply-plan';
import { LocalExecutor } from './local-executor';

let tmp: string;
let root: string;
let canary: string;
let canaryBefore: Record<string, string>;

function put(rel: string, content: string | { link: string }): void {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  if (typeof content === 'string') writeFileSync(p, content);
  else symlinkSync(content.link, p);
}

const inRoot = (rel: string) => path.join(root, rel);

const plan = (): ConversionPlan =>
  ({
    backupDir: '/root/vzferry-backup',
    backup: ['/etc/default/grub', '/etc/network/interfaces', '/etc/rc.local', '/etc/init.d/vzquota', '/etc/mtab'],
    write: [
      { path: '/etc/default/grub', content: 'GRUB_CMDLINE_LINUX="console=ttyS0"\n', mode: 0o644 },
      { path: '/etc/network/interfaces', content: 'auto eth0\n', mode: 0o644 },
      { path: '/etc/rc.local', content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
    ],
    remove: ['/etc/init.d/vzquota'],
    links: { '/etc/mtab': '../proc/self/mounts' },
  }) as unknown as ConversionPlan;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'apply-plan-'));
  root = path.join(tmp, 'guest');
  canary = path.join(tmp, 'canary');
  for (const [name, content] of Object.entries({
    interfaces: 'canary interfaces\n',
    grub: 'canary grub\n',
    'rc.local': 'canary rc.local\n',
    vzquota: 'canary vzquota\n',
    mtab: 'canary mtab\n',
    'etc/default/grub': 'canary etc/default/grub\n',
    'backup/README': 'canary backup dir\n',
  })) {
    mkdirSync(path.dirname(path.join(canary, name)), { recursive: true });
    writeFileSync(path.join(canary, name), content);
  }
  mkdirSync(root);
  // the guest's own files, where its links lead with its root as "/"
  put(`${canary}/interfaces`, 'guest interfaces (venet0)\n');
  put(`${canary}/vzquota`, 'guest vzquota\n');
  // links out of the guest on every path the plan touches
  // the backup folder: `ln -s / /root/vzferry-backup` in a real attack, the canary here (a failing test harms nothing)
  put('root/vzferry-backup', { link: `${canary}/backup` });
  put('etc/network', { link: canary }); // a linked directory in the middle of the path
  put('etc/default', { link: `../../../../../../../../${canary}/etc/default` }); // relative, past the root
  put('etc/rc.local', { link: `${canary}/rc.local` }); // a final link
  put('etc/init.d', { link: canary });
  put('etc/mtab', { link: `${canary}/mtab` });
  canaryBefore = snapshotTree(canary);
});

afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('backup_config and rewrite_config on a guest with links out of it', () => {
  it('backs up the guest files inside the guest, never over or from the host', async () => {
    await backupPlanFiles(new LocalExecutor(), root, plan(), () => undefined);
    expect(snapshotTree(canary)).toEqual(canaryBefore);
    expect(lstatSync(inRoot('root/vzferry-backup')).isDirectory()).toBe(true);
    const backup = (p: string) => inRoot(path.join('root/vzferry-backup', p));
    // the copy of what the guest sees at /etc/network/interfaces: its own file, re-rooted
    expect(readFileSync(backup('/etc/network/interfaces'), 'utf8')).toBe('guest interfaces (venet0)\n');
    // final links are kept as links, as cp -a does
    expect(readlinkSync(backup('/etc/rc.local'))).toBe(`${canary}/rc.local`);
    expect(readFileSync(backup('FILES'), 'utf8')).toBe(
      plan()
        .backup.map((p) => `${p}\n`)
        .join(''),
    );
  });

  it('writes, removes and links inside the guest, replacing final links instead of following them', async () => {
    await backupPlanFiles(new LocalExecutor(), root, plan(), () => undefined);
    await rewritePlanFiles(root, plan());
    expect(snapshotTree(canary)).toEqual(canaryBefore);
    expect(readFileSync(inRoot(`${canary}/interfaces`), 'utf8')).toBe('auto eth0\n');
    expect(readFileSync(inRoot(`${canary}/etc/default/grub`), 'utf8')).toBe('GRUB_CMDLINE_LINUX="console=ttyS0"\n');
    expect(lstatSync(inRoot('etc/rc.local')).isFile()).toBe(true);
    expect(() => lstatSync(inRoot(`${canary}/vzquota`))).toThrow(/ENOENT/);
    expect(readlinkSync(inRoot('etc/mtab'))).toBe('../proc/self/mounts');
  });
});
