// Every handler under app/api is made by `route`, so every one parses its
// input, caps its body, filters its answer through its output schema and
// answers errors the same way, checks the access it declares and names its
// audit row when it changes something.
// The route modules are imported, not parsed: what counts is what Next
// gets, whatever the syntax (`export const GET = ...`, `export { GET }`,
// `export async function GET`), and importing them needs no server (the
// clients in server/context.ts are made on first use).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ACCESS } from '@vzferry/core';
import { describe, expect, it } from 'vitest';
import { routeSpecOf } from './route';

const API_DIR = path.resolve(import.meta.dirname, '../app/api');
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'];

const routeFiles = readdirSync(API_DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => /(^|\/)route\.(ts|tsx|js|mjs)$/.test(f))
  .sort();

describe('the API routes', () => {
  it('are found', () => {
    expect(routeFiles.length).toBeGreaterThanOrEqual(20);
  });

  it.each(routeFiles)(
    '%s exports only handlers made by route()',
    async (file) => {
      const mod = (await import(path.join(API_DIR, file))) as Record<string, unknown>;
      const methods = Object.keys(mod).filter((name) => HTTP_METHODS.includes(name));
      expect(methods, 'a route module with no HTTP method').not.toEqual([]);
      const notBuilt = methods.filter((name) => routeSpecOf(mod[name]) === undefined);
      expect(notBuilt, `made without route(): ${notBuilt.join(', ')}`).toEqual([]);
      // route() checks the access at run time; this says every handler declared one the server knows
      for (const name of methods) expect(['public', ...Object.keys(ACCESS)]).toContain(routeSpecOf(mod[name])!.access);
      const unnamed = methods.filter((name) => STATE_CHANGING.includes(name) && !routeSpecOf(mod[name])!.audit);
      expect(unnamed, `state-changing without an audit name: ${unnamed.join(', ')}`).toEqual([]);
    },
    60_000,
  );
});
