import { describe, expect, it } from 'vitest';
import type { RunFacts } from './container-state';
import { customerEmails, type EmailContainer } from './customer-emails';

// Mon 30 Nov 2026, 12:00 UTC
const NOW = new Date('2026-11-30T12:00:00Z');

function run(over: Partial<RunFacts>, batch: Partial<RunFacts['batch']> = {}): RunFacts {
  return {
    status: 'queued',
    currentStage: null,
    failedStage: null,
    errorCode: null,
    error: null,
    createdAt: new Date('2026-11-29T09:00:00Z'),
    startedAt: null,
    finishedAt: null,
    plannedWindowStart: null,
    plannedWindowEnd: null,
    downtimeStartedAt: null,
    downtimeEndedAt: null,
    cloudstackVmName: null,
    vmNetworks: [],
    ...over,
    batch: { name: 'wave-3', status: 'running', startAt: null, ...batch },
  };
}

const ct = (label: string, over: Partial<EmailContainer> = {}): EmailContainer => ({
  label,
  ips: ['192.0.2.10'],
  container: { downtimeWindow: null, vanishedAt: null },
  run: null,
  ...over,
});

const migrated = run({
  status: 'succeeded',
  downtimeStartedAt: new Date('2026-12-01T01:14:00Z'),
  downtimeEndedAt: new Date('2026-12-01T01:14:07Z'),
  finishedAt: new Date('2026-12-01T01:15:00Z'),
  cloudstackVmName: 'vz1041-3f2a9c',
  vmNetworks: ['lab-net-10'],
});

const rolledBack = run({
  status: 'failed',
  failedStage: 'register_template',
  errorCode: 'template_download_failed',
  error: 'the template download failed 3 time(s)',
  downtimeStartedAt: new Date('2026-12-01T01:03:00Z'),
  downtimeEndedAt: new Date('2026-12-01T01:31:00Z'),
  finishedAt: new Date('2026-12-01T01:31:02Z'),
});

describe('customerEmails', () => {
  it('writes the scheduled e-mail with each window in the customer zone, the earliest day in the subject', () => {
    const mails = customerEmails({
      customerName: 'Acme Hosting',
      timeZone: 'Europe/Berlin',
      now: NOW,
      containers: [
        ct('web1.acme.example', {
          ips: ['192.0.2.10', '2001:db8::10'],
          container: { downtimeWindow: 'Sat 02:00-05:00', vanishedAt: null },
          run: run({}),
        }),
        ct('db1.acme.example', {
          container: { downtimeWindow: 'Tue 01:00-03:00', vanishedAt: null },
          run: run({}),
        }),
        ct('old.acme.example'),
      ],
    });
    expect(mails.scheduled).toEqual({
      subject: 'Your 2 servers move to our new platform from Tue 1 Dec 2026',
      containers: ['web1.acme.example', 'db1.acme.example'],
      body: [
        'Dear Acme Hosting,',
        'we are moving your servers to our new cloud platform. During the move each server is offline for a few minutes; its data and IP addresses stay the same, and nothing needs to change on your side.',
        'The move is planned for these times (Europe/Berlin):',
        [
          '- web1.acme.example (192.0.2.10, 2001:db8::10): Sat 5 Dec 2026, 02:00–05:00',
          '- db1.acme.example (192.0.2.10): Tue 1 Dec 2026, 01:00–03:00',
        ].join('\n'),
        'We will write to you again when the move is done. If this time does not suit you, reply to this e-mail and we will find another one.',
        'Kind regards,\nYour support team',
      ].join('\n\n'),
    });
    // nothing migrated or failed yet
    expect(mails.done).toBeNull();
    expect(mails.problem).toBeNull();
  });

  it('writes the scheduled time on the clock of the customer, whatever the zone', () => {
    const containers = [ct('web1', { container: { downtimeWindow: '03:00-04:00', vanishedAt: null }, run: run({}) })];
    const tokyo = customerEmails({ customerName: 'A', timeZone: 'Asia/Tokyo', now: NOW, containers });
    const ny = customerEmails({ customerName: 'A', timeZone: 'America/New_York', now: NOW, containers });
    // 12:00 UTC is 21:00 in Tokyo (next 03:00 is Tuesday) and 07:00 in New York (next 03:00 is Tuesday too)
    expect(tokyo.scheduled!.body).toContain('(Asia/Tokyo):\n\n- web1 (192.0.2.10): Tue 1 Dec 2026, 03:00–04:00');
    expect(ny.scheduled!.body).toContain('(America/New_York):\n\n- web1 (192.0.2.10): Tue 1 Dec 2026, 03:00–04:00');
    expect(tokyo.scheduled!.subject).toBe('Your server web1 moves to our new platform on Tue 1 Dec 2026');
  });

  it('without a window, names the batch start and says the switch-over follows the copy', () => {
    const mails = customerEmails({
      customerName: 'Globex Hosting',
      timeZone: 'Europe/London',
      now: NOW,
      containers: [
        ct('app.globex.example', { run: run({}, { status: 'scheduled', startAt: new Date('2026-12-02T22:00:00Z') }) }),
      ],
    });
    expect(mails.scheduled!.body).toContain(
      '- app.globex.example (192.0.2.10): from Wed 2 Dec 2026 at 22:00, for a few minutes once its copy is ready',
    );
    // a queued run in a running batch with no window has no date to promise
    expect(
      customerEmails({ customerName: 'G', timeZone: 'UTC', now: NOW, containers: [ct('x', { run: run({}) })] })
        .scheduled,
    ).toBeNull();
  });

  it('writes the done e-mail with when each moved and how long it was offline', () => {
    const mails = customerEmails({
      customerName: 'Acme Hosting',
      timeZone: 'Europe/Amsterdam',
      now: NOW,
      signature: 'Hosting support, Example BV',
      containers: [ct('web1.acme.example', { run: migrated }), ct('db1.acme.example', { run: rolledBack })],
    });
    expect(mails.done).toEqual({
      subject: 'Your server web1.acme.example has moved to our new platform',
      containers: ['web1.acme.example'],
      body: [
        'Dear Acme Hosting,',
        'the move of your server to our new cloud platform is done (times in Europe/Amsterdam):',
        '- web1.acme.example (192.0.2.10): moved on 1 Dec 2026 at 02:14, offline for 7 s',
        'Its data and IP addresses are the same as before. If anything does not work as it did, reply to this e-mail and we will look into it at once.',
        'Kind regards,\nHosting support, Example BV',
      ].join('\n\n'),
    });
    // no internals reach the customer
    expect(mails.done!.body).not.toMatch(/vz1041|lab-net|cleanup/);
  });

  it('writes the problem e-mail: back on the old platform since when, or never offline', () => {
    const beforeDowntime = run({
      status: 'failed',
      failedStage: 'initial_sync',
      errorCode: 'rsync_failed',
      finishedAt: new Date('2026-11-30T09:30:00Z'),
    });
    const mails = customerEmails({
      customerName: 'Acme Hosting',
      timeZone: 'Europe/Amsterdam',
      now: NOW,
      containers: [
        ct('db1.acme.example', { run: rolledBack }),
        ct('mail.acme.example', { ips: [], run: beforeDowntime }),
      ],
    });
    expect(mails.problem!.subject).toBe('The move of 2 of your servers did not complete');
    expect(mails.problem!.body).toContain(
      [
        '- db1.acme.example (192.0.2.10): we stopped the move on 1 Dec 2026 at 02:31; the server runs on the old platform again since 02:31 (it was offline for 28 min)',
        '- mail.acme.example: we stopped the move on 30 Nov 2026 at 10:30 before the server went offline; it kept running on the old platform without interruption',
      ].join('\n'),
    );
    expect(mails.problem!.body).not.toMatch(/register_template|template_download_failed|rsync/);
  });

  it('lists at most three addresses of a container', () => {
    const mails = customerEmails({
      customerName: 'A',
      timeZone: 'UTC',
      now: NOW,
      containers: [
        ct('big', { ips: ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'], run: migrated }),
      ],
    });
    expect(mails.done!.body).toContain('- big (192.0.2.1, 192.0.2.2, 192.0.2.3 and 2 more): moved on');
  });
});
