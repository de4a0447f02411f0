// Every route handler under apps/web/src/app/api, found on disk, for the
// tests that walk them all (route-walk, hostile-fields): a new route file is
// walked without a change in them.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { routeSpecOf, type RouteHandler } from '@/server/route';

const API_DIR = path.resolve(import.meta.dirname, '../../src/app/api');

export interface ApiRoute {
  /** "POST /api/batches/[id]/start" */
  name: string;
  method: string;
  handler: RouteHandler;
  /** the route's folder under app/api: "batches/[id]/start" */
  dir: string;
}

/** Every handler of these methods, in the order of their files. */
export async function apiRoutes(methods: readonly string[]): Promise<ApiRoute[]> {
  const files = readdirSync(API_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)route\.ts$/.test(f))
    .sort();
  const routes: ApiRoute[] = [];
  for (const file of files) {
    const mod = (await import(path.join(API_DIR, file))) as Record<string, unknown>;
    const dir = path.dirname(file);
    for (const method of methods) {
      if (routeSpecOf(mod[method]))
        routes.push({ name: `${method} /api/${dir}`, method, handler: mod[method] as RouteHandler, dir });
    }
  }
  return routes;
}
