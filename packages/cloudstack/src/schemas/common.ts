// Building blocks for CloudStack answers: lenient on fields we do not use,
// strict on the ones we do, and tolerant of what real servers disagree on
// (numbers sent as strings, old numeric ids, empty lists answered as `{}`).
import { z } from 'zod';

/** A number, or a string holding one (downloadPercent "37", percentused "45.12"). */
export const numberish = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
    .transform(Number)
    // 309 digits and more are Infinity: not a number any field of ours can hold
    .pipe(z.number()),
]);

/** A UUID string, or an old numeric id (CloudStack 2.x/3.x, marvin samples). */
export const idish = z.union([z.string().min(1), z.number().int()]).transform(String);

/** true/false, or "true"/"false" as some serializers send them. */
export const booleanish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/**
 * A list answer: `{"count": N, "<key>": [...]}`, or `{}` when empty
 * (ApiResponseSerializer writes neither count nor the list then).
 */
export function listOf<T extends z.ZodType>(key: string, item: T) {
  return z.looseObject({ count: numberish.optional(), [key]: z.array(item).optional() }).transform((envelope) => {
    const items = (envelope as Record<string, unknown>)[key] as z.output<T>[] | undefined;
    return items ?? [];
  });
}

/** Answer of an async command: the job id, and for create commands the new object's id. */
export const asyncSubmitSchema = z.looseObject({ jobid: idish, id: idish.optional() });
export type AsyncSubmit = z.infer<typeof asyncSubmitSchema>;

/** SuccessResponse: deleteTemplate's job result and other yes/no commands. */
export const successSchema = z.looseObject({ success: booleanish, displaytext: z.string().optional() });
