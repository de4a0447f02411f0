import { describe, expect, it } from 'vitest';
import { checkConfigPath, checkRunId, renderConfig, renderSecrets } from './config';

const RUN = '3f0c6a52-8f43-4c41-9a0e-5a3d4f2b1c10';
const PW = 'a'.repeat(64);
const paths = {
  config: '/s/rsyncd.conf',
  secrets: '/s/rsyncd.secrets',
  pid: '/s/rsyncd.pid',
  log: '/s/rsyncd.log',
  lock: '/s/rsyncd.lock',
};

describe('delta server config', () => {
  it('writes the global settings and one read-only module per run', () => {
    const text = renderConfig(paths, [{ runId: RUN, root: '/srv/vzferry/runs/x/root', password: PW }]);
    for (const line of [
      'use chroot = yes',
      'read only = yes',
      'list = no',
      'numeric ids = yes',
      'uid = 0',
      'gid = 0',
      'reverse lookup = no',
      'pid file = /s/rsyncd.pid',
      'log file = /s/rsyncd.log',
      'timeout = 600',
      `[run-${RUN}]`,
      'path = /srv/vzferry/runs/x/root',
      `auth users = run-${RUN}:ro`,
      'secrets file = /s/rsyncd.secrets',
      'strict modes = yes',
      'write only = no',
    ])
      expect(text.split('\n')).toContain(line);
    expect(text.indexOf('timeout')).toBeLessThan(text.indexOf('['));
    expect(renderSecrets([{ runId: RUN, root: '/r', password: PW }])).toBe(`run-${RUN}:${PW}\n`);
  });

  it('refuses run ids and paths that would add lines or settings', () => {
    for (const id of [`${RUN}\nuid = 0`, RUN.toUpperCase(), 'run-1', '', `${RUN} `])
      expect(() => checkRunId(id)).toThrow(/lowercase UUID/);
    for (const p of ['relative/root', '/a\npath = /', '/a\\', '/a%HOME%', '/a ', '/a\r'])
      expect(() => checkConfigPath('root', p)).toThrow(/root/);
    expect(() => renderSecrets([{ runId: RUN, root: '/r', password: 'pw\nrun-x:pw' }])).toThrow(/64 hex/);
  });
});
