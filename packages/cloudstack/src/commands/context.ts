// Helpers shared by the typed commands: validate an answer against its
// schema, page through long lists, submit an async command and wait for it.
import type { z } from 'zod';
import { type JobWaitOptions, waitForJob } from '../async-jobs';
import { formatZodError } from '@vzferry/core';
import { CloudStackResponseError } from '../errors';
import type { CommandParams } from '../params';
import { asyncSubmitSchema, listOf, numberish } from '../schemas/common';
import type { Transport } from '../transport';

export interface CommandContext {
  transport: Transport;
  /** default wait options for async jobs */
  jobDefaults: JobWaitOptions;
}

export function parseAnswer<T extends z.ZodType>(command: string, schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = formatZodError(parsed.error);
  throw new CloudStackResponseError(command, detail);
}

/** default.page.size is 500; ask for pages of that size until `count` items are in. */
const PAGE_SIZE = 500;

export async function listAll<T extends z.ZodType>(
  ctx: CommandContext,
  command: string,
  params: CommandParams,
  key: string,
  item: T,
): Promise<z.output<T>[]> {
  const all: z.output<T>[] = [];
  for (let page = 1; ; page++) {
    const raw = await ctx.transport.call(command, { ...params, page, pagesize: PAGE_SIZE });
    const items = parseAnswer(command, listOf(key, item), raw) as z.output<T>[];
    all.push(...items);
    const count = numberish.safeParse(raw.count);
    const total = count.success ? count.data : all.length;
    if (items.length === 0 || items.length < PAGE_SIZE || all.length >= total) return all;
  }
}

/** A single object answer: `{"<command>response": {"<key>": {...}}}`. */
export function objectIn<T extends z.ZodType>(
  command: string,
  key: string,
  schema: T,
  raw: Record<string, unknown>,
): z.output<T> {
  return parseAnswer(command, schema, raw[key]);
}

/**
 * Sends an async command once (never repeated: a write), reports the job id,
 * waits for the job and returns its jobresult.
 */
export async function runAsync(
  ctx: CommandContext,
  command: string,
  params: CommandParams,
  opts: JobWaitOptions = {},
): Promise<{ jobId: string; objectId?: string; result: unknown }> {
  const raw = await ctx.transport.call(command, params);
  const submit = parseAnswer(command, asyncSubmitSchema, raw);
  const wait = { ...ctx.jobDefaults, ...opts };
  await wait.onJobId?.(submit.jobid);
  const result = await waitForJob(ctx.transport, command, submit.jobid, wait);
  return { jobId: submit.jobid, objectId: submit.id, result };
}

/** The object a successful job carries under `key` (e.g. jobresult.virtualmachine). */
export function jobObject<T extends z.ZodType>(command: string, key: string, schema: T, result: unknown): z.output<T> {
  const record = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
  return parseAnswer(command, schema, record[key]);
}
