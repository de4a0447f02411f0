import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES, errorSpec } from './error-codes';
import { AppError, formatZodError, parseInput } from './errors';

describe('the error catalogue', () => {
  it('gives an error without a message the catalogue sentence, and its kind and retryability', () => {
    const err = new AppError('cloudstack_not_configured');
    expect(err.message).toBe(ERROR_CODES.cloudstack_not_configured.message);
    expect(err.kind).toBe('conflict');
    expect(err.retryable).toBe(false);
    expect(new AppError('command_timeout', 'rsync timed out after 60 s').retryable).toBe(true);
  });

  it('reads a code from the database that is not in the catalogue as a plain failure', () => {
    expect(errorSpec('rsync_23')).toEqual(ERROR_CODES.failed);
    expect(errorSpec('box_lost').retryable).toBe(true);
  });
});

describe('zod errors for people', () => {
  const schema = z.object({ name: z.string().min(1, 'a name is needed'), ports: z.array(z.number()) });

  it('names every problem with its path', () => {
    const parsed = schema.safeParse({ name: '', ports: [1, 'x'] });
    expect(parsed.success).toBe(false);
    expect(formatZodError(parsed.error!)).toBe(
      'name: a name is needed; ports.1: Invalid input: expected number, received string',
    );
  });

  it('parseInput throws invalid_input with the issues, or another code when told', () => {
    expect(() => parseInput(schema, { name: 'a', ports: [] })).not.toThrow();
    const err = (() => {
      try {
        parseInput(schema, {}, 'inventory_invalid');
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect(err?.code).toBe('inventory_invalid');
    expect(err?.message).toMatch(/^name: .*; ports: /);
  });
});
