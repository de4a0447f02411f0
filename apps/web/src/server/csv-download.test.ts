// The download wrapper: a success becomes the file, anything else stays
// route()'s JSON answer, and the handler still counts as route()-built.
import { AppError } from '@vzferry/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { csvDownload } from './csv-download';
import { routeSpecOf } from './route';

const ctx = { params: Promise.resolve({}) };
const download = csvDownload(
  { access: 'report', query: z.object({ name: z.string().min(1, 'a name is needed') }) },
  async ({ query }) => {
    if (query.name === 'missing') throw new AppError('not_found', 'there is no such table');
    return { filename: `${query.name}.csv`, csv: 'a,b\r\n1,2\r\n' };
  },
);
const get = (qs: string) => download(new Request(`http://web.test/api/x?${qs}`), ctx);

describe('a CSV download', () => {
  it('answers the text as a file with its name', async () => {
    const res = await get('name=hosts');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="hosts.csv"');
    expect(await res.text()).toBe('a,b\r\n1,2\r\n');
  });

  it('keeps a file name from breaking out of its header', async () => {
    const res = await get(`name=${encodeURIComponent('a"; evil=1\r\nx')}`);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="a___evil_1__x.csv"');
  });

  it("leaves route()'s refusals and errors as they are: JSON with their status", async () => {
    const bad = await get('name=');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_input', message: 'name: a name is needed' } });
    const missing = await get('name=missing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
  });

  it('is route()-built, with the access it declares', () => {
    expect(routeSpecOf(download)?.access).toBe('report');
  });
});
