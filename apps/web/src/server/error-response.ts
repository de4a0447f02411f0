// What a failed request answers: { error: { code, message, details? } } with
// the status of the code (http-status.ts). An AppError says what we meant to
// say; a ZodError thrown anywhere is input we refused, so a 400 naming every
// field. Anything else is a bug: logged here with its stack, answered with
// the catalogue's sentence only (no stack, SQL or secret leaves the server).
import { AppError, ERROR_CODES, formatZodError, type ErrorCode } from '@vzferry/core';
import { z } from 'zod';
import type { ApiErrorBody } from '@/api/wire';
import { httpStatus } from './http-status';

export function errorResponse(err: unknown, req: Request): Response {
  if (err instanceof AppError && err.kind !== 'internal') return errorJson(err.code, err.message, err.details);
  if (err instanceof z.ZodError) return errorJson('invalid_input', formatZodError(err), err.issues);
  console.error(`[web] ${req.method} ${new URL(req.url).pathname} failed:`, err);
  return errorJson('internal', ERROR_CODES.internal.message);
}

function errorJson(code: ErrorCode, message: string, details: unknown = undefined): Response {
  const body: ApiErrorBody = { error: details === undefined ? { code, message } : { code, message, details } };
  // details are ours (zod issues, rows of a file) but may hold a bigint, which JSON.stringify refuses
  const text = JSON.stringify(body, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  return new Response(text, { status: httpStatus(code), headers: { 'content-type': 'application/json' } });
}
