import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

/** What the logger writes, line by line. */
function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (s: string) => void lines.push(s) } };
}

describe("the worker's log", () => {
  it('honours LOG_LEVEL: at warn, info lines are left out', () => {
    const out = capture();
    const log = createLogger('warn', out.stream);
    log.info('consuming the inventory queue');
    log.warn('heartbeat failed');
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ level: 40, msg: 'heartbeat failed' });
  });

  it('writes debug lines only at debug', () => {
    const quiet = capture();
    createLogger('info', quiet.stream).debug('detail');
    const loud = capture();
    createLogger('debug', loud.stream).debug('detail');
    expect([quiet.lines.length, loud.lines.length]).toEqual([0, 1]);
  });

  it('never writes a secret that a logged object holds', () => {
    const out = capture();
    const log = createLogger('info', out.stream);
    log.info(
      {
        DATABASE_URL: 'postgresql://vz:db-pass@db/vzferry',
        cloudstack: { endpoint: 'https://cs.example.net/client/api', apiKey: 'api-key-1', secretKey: 'cs-secret-1' },
        admin: { password: 'admin-pass-1' },
      },
      'configuration',
    );
    const line = out.lines.join('');
    for (const secret of ['db-pass', 'api-key-1', 'cs-secret-1', 'admin-pass-1']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({
      DATABASE_URL: '[redacted]',
      cloudstack: { endpoint: 'https://cs.example.net/client/api', secretKey: '[redacted]' },
    });
  });
});
