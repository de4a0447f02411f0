// What every answer of the API shares, and the building blocks of the
// output schemas: a Date or a bigint on the server is text in JSON, and the
// schema says so, so the browser's type is the JSON it gets.
import { z } from 'zod';

/** A Date on the server; its ISO 8601 text on the wire. */
export const isoDate = z.date().transform((d) => d.toISOString());

/** A bigint on the server (PostgreSQL bigint); its decimal text on the wire, since JSON has no bigint. */
export const bigintText = z.bigint().transform((n) => n.toString());

/** A failed request's body: the catalogue code, a message for people and, for some codes, details (the rows of a refused CSV). */
export const apiErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ApiErrorBody = z.output<typeof apiErrorBodySchema>;

/** The answer of a request that only queues work. */
export const queuedSchema = z.object({ queued: z.boolean() });
export type Queued = z.output<typeof queuedSchema>;

/** The path of a route under a folder [id]: one uuid. */
export const idParamsSchema = z.object({ id: z.uuid() });
