import { describe, expect, it } from 'vitest';
import { parseCsv, parseCustomerCsv } from './customers-csv';

const HEADER = 'ctid,hostname,customer,email,timezone,downtime_window';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and counts lines', () => {
    const recs = parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z\n');
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['multi\nline', 'z'] },
    ]);
  });

  it('refuses an unclosed quote with its line', () => {
    expect(() => parseCsv('a\n"open,b\n')).toThrow(/line 2: a quoted field is not closed/);
  });
});

describe('parseCustomerCsv', () => {
  it('accepts good rows, lower-cases e-mails and defaults the time zone to UTC', () => {
    const { rows, errors } = parseCustomerCsv(
      `${HEADER}\n101,,Acme GmbH,Ops@Acme.example,Europe/Berlin,Sun 02:00-05:00\n,web.example.net,Bob,bob@example.com,,\n`,
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        ctid: 101,
        hostname: undefined,
        customer: 'Acme GmbH',
        email: 'ops@acme.example',
        timezone: 'Europe/Berlin',
        downtime_window: 'Sun 02:00-05:00',
      },
      {
        line: 3,
        ctid: undefined,
        hostname: 'web.example.net',
        customer: 'Bob',
        email: 'bob@example.com',
        timezone: 'UTC',
        downtime_window: undefined,
      },
    ]);
  });

  it('reports every bad row with its line number and reason', () => {
    const csv = [
      HEADER,
      '101,,Acme,ops@acme.example,Europe/Berlin,',
      'abc,,Acme,ops@acme.example,Europe/Berlin,',
      '102,,Acme,not-an-email,Europe/Berlin,',
      '103,,Acme,ops@acme.example,Mars/Olympus,',
      '104,,Acme,ops@acme.example,Europe/Berlin,Someday 25:00-26:00',
      ',,Nobody,n@example.com,,',
      '105,,Other Name,ops@acme.example,Europe/Berlin,',
      '106,too,few',
    ].join('\n');
    const { errors } = parseCustomerCsv(csv);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(errors[0]!.reason).toMatch(/ctid must be a number/);
    expect(errors[1]!.reason).toMatch(/email is not an e-mail address/);
    expect(errors[2]!.reason).toMatch(/IANA time zone/);
    expect(errors[3]!.reason).toMatch(/not a downtime window/);
    expect(errors[4]!.reason).toMatch(/needs a ctid or a hostname/);
    expect(errors[5]!.reason).toMatch(/"Acme" on line 2/);
    expect(errors[6]!.reason).toMatch(/has 3 fields, the header has 6/);
  });

  it('refuses a header with unknown or missing columns', () => {
    expect(parseCustomerCsv('ctid,name\n1,x\n').errors).toEqual([
      { line: 1, reason: expect.stringMatching(/unknown column "name"/) },
      { line: 1, reason: 'missing column customer, email' },
    ]);
    expect(parseCustomerCsv('').errors[0]!.reason).toMatch(/empty/);
  });
});
