import { describe, expect, it } from 'vitest';
import { errorCodeMessage } from './migration-report';
import { REPORT_TABLES, reportCsvFilename, reportTableCsv } from './report-csv';

describe('the report tables as CSV', () => {
  it('writes the per-customer table with its header, formula-safe', () => {
    const csv = reportTableCsv('customers', [
      {
        customerId: 'c1',
        customer: '=HYPERLINK("http://evil")',
        email: 'a@example.com',
        total: 3,
        done: 1,
        inProgress: 1,
        failed: 0,
        notStarted: 1,
        left: 2,
      },
      {
        customerId: null,
        customer: 'no customer',
        email: null,
        total: 2,
        done: 0,
        inProgress: 0,
        failed: 1,
        notStarted: 1,
        left: 2,
      },
    ]);
    expect(csv).toBe(
      'customer,e-mail,containers,done,in progress,failed,not started,left\r\n' +
        `"'=HYPERLINK(""http://evil"")",a@example.com,3,1,1,0,1,2\r\n` +
        'no customer,,2,0,0,1,1,2\r\n',
    );
  });

  it('writes the daily table, one line per day', () => {
    const csv = reportTableCsv('daily', [
      { day: '2026-12-01', done: 0, inProgress: 4, failed: 0, notStarted: 6, migrated: 0, failedThatDay: 0 },
      { day: '2026-12-02', done: 2, inProgress: 4, failed: 1, notStarted: 3, migrated: 2, failedThatDay: 1 },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'day (UTC),done,in progress,failed,not started,migrated that day,failed that day',
      '2026-12-01,0,4,0,6,0,0',
      '2026-12-02,2,4,1,3,2,1',
      '',
    ]);
  });

  it('writes a downtime with its moments in ISO 8601 and the failures with their catalogue sentence', () => {
    const downtime = reportTableCsv('downtime', [
      {
        runId: 'r1',
        runStatus: 'succeeded',
        containerId: 'c1',
        ctid: 101,
        hostname: 'ct101.example.net',
        host: 'hv1',
        customer: 'ACME, Inc.',
        startedAt: new Date('2026-12-01T02:00:00Z'),
        endedAt: new Date('2026-12-01T02:05:30Z'),
        seconds: 330,
        projectedSeconds: 420.5,
        windows: [{ startedAt: new Date('2026-12-01T02:00:00Z'), endedAt: new Date('2026-12-01T02:05:30Z') }],
        stops: 1,
      },
      // stopped twice (a Retry after a rollback): the seconds are the sum of both windows
      {
        runId: 'r2',
        runStatus: 'succeeded',
        containerId: 'c2',
        ctid: 102,
        hostname: null,
        host: 'hv1',
        customer: null,
        startedAt: new Date('2026-12-01T03:00:00Z'),
        endedAt: new Date('2026-12-01T04:02:00Z'),
        seconds: 180,
        projectedSeconds: null,
        windows: [
          { startedAt: new Date('2026-12-01T03:00:00Z'), endedAt: new Date('2026-12-01T03:01:00Z') },
          { startedAt: new Date('2026-12-01T04:00:00Z'), endedAt: new Date('2026-12-01T04:02:00Z') },
        ],
        stops: 2,
      },
    ]);
    expect(downtime.split('\r\n').slice(1, 3)).toEqual([
      '101,ct101.example.net,hv1,"ACME, Inc.",succeeded,2026-12-01T02:00:00.000Z,2026-12-01T02:05:30.000Z,330,1,r1,' +
        '2026-12-01T02:00:00.000Z/2026-12-01T02:05:30.000Z,420.5',
      '102,,hv1,,succeeded,2026-12-01T03:00:00.000Z,2026-12-01T04:02:00.000Z,180,2,r2,' +
        '2026-12-01T03:00:00.000Z/2026-12-01T03:01:00.000Z; 2026-12-01T04:00:00.000Z/2026-12-01T04:02:00.000Z,',
    ]);
    const failures = reportTableCsv('failures', [
      { errorCode: 'rsync_failed', message: errorCodeMessage('rsync_failed'), stage: 'initial_sync', runs: 4 },
    ]);
    expect(failures.split('\r\n')[1]).toBe(`rsync_failed,${errorCodeMessage('rsync_failed')},initial_sync,4`);
  });

  it('has a header even without rows', () => {
    for (const table of REPORT_TABLES) expect(reportTableCsv(table, []).split('\r\n')).toHaveLength(2);
  });

  it('names the file after the table and the day', () => {
    expect(reportCsvFilename('hosts', new Date('2026-12-03T23:00:00Z'))).toBe('vzferry-report-hosts-2026-12-03.csv');
  });
});

describe('error code messages', () => {
  it('are the catalogue sentence, or say the code is unknown', () => {
    expect(errorCodeMessage('box_lost')).toBe('The converter box stopped while it held the run');
    expect(errorCodeMessage('toString')).toBe('This code is not in the error catalogue');
    expect(errorCodeMessage('something_old')).toBe('This code is not in the error catalogue');
  });
});
