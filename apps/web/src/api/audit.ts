// The audit log as the audit page reads it: newest first, filtered, paged by id.
import { safeText } from '@vzferry/core/safe-text';
import { z } from 'zod';
import { ROLES } from '@vzferry/core/access';
import { bigintText, isoDate } from './wire';

export const auditFilterSchema = z.object({
  who: safeText().trim().max(200).optional(),
  role: z.enum(ROLES).optional(),
  action: safeText().trim().max(100).optional(),
  targetId: safeText().trim().max(100).optional(),
  outcome: z.enum(['ok', 'failed']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  before: z
    .string()
    .regex(/^\d{1,19}$/, 'before: a row id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditFilter = z.input<typeof auditFilterSchema>;

export const auditRowSchema = z.object({
  id: bigintText,
  at: isoDate,
  actor: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES).nullable(),
  ip: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  outcome: z.string(),
  details: z.unknown(),
});
export const auditPageSchema = z.array(auditRowSchema);
