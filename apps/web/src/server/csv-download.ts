// A CSV file download built on route(). route() answers JSON, so a download
// route is a route() whose output is { filename, csv }, wrapped: access,
// input parsing and error answers are route()'s own (a refusal stays its
// JSON error), and only a success becomes the file. What route() would need
// to do this itself: an output kind for files (content type, file name)
// next to its JSON output.
import type { z } from 'zod';
import { csvFileSchema } from '@/api/report';
import { route, type RouteHandler, type RouteInput, type RouteOptions } from './route';

type Schema = z.ZodType;
type CsvOptions<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> = Omit<
  RouteOptions<P, Q, B, typeof csvFileSchema>,
  'output' | 'status'
>;

export function csvDownload<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(
  options: CsvOptions<P, Q, B>,
  handler: (input: RouteInput<P, Q, B>) => Promise<z.input<typeof csvFileSchema>>,
): RouteHandler {
  const json = route({ ...options, output: csvFileSchema }, handler);
  const download = async (req: Request, ctx: { params: Promise<unknown> }): Promise<Response> => {
    const res = await json(req, ctx);
    if (!res.ok) return res;
    const file = csvFileSchema.parse(await res.json());
    return new Response(file.csv, {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${safeFilename(file.filename)}"`,
        'cache-control': 'no-store',
      },
    });
  };
  // route()'s mark (and the access it declares) goes with the wrapper: it is route()-built underneath
  return Object.assign(download, json);
}

/** A name that needs no escaping in a header: letters, digits, dot, dash, underscore. */
function safeFilename(name: string): string {
  return name.replace(/[^\w.-]/g, '_') || 'export.csv';
}
