// The audit log: one row per state-changing request as the API edge saw it
// (apps/web route()), failures included. The table is append-only (a
// trigger refuses UPDATE, DELETE and TRUNCATE); this module only adds and
// reads.
import { type Actor, type Role, ROLES } from '@vzferry/core';
import { z } from 'zod';
import { type Db, prismaOf } from '../client';
import { toJsonValue } from '../json';

export interface AuditEntry {
  actor: Actor | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  /** "ok", or the error code the request ended with */
  outcome: string;
  details?: Record<string, unknown>;
  at?: Date;
}

export async function recordAudit(db: Db, e: AuditEntry): Promise<void> {
  await prismaOf(db).auditLog.create({
    data: {
      at: e.at,
      userId: e.actor?.userId ?? null,
      actor: storable(e.actor?.name ?? 'anonymous'),
      role: e.actor?.role ?? null,
      ip: e.actor?.ip ?? null,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId == null ? null : storable(e.targetId),
      outcome: e.outcome,
      details: e.details === undefined ? undefined : toJsonValue(storable(e.details)),
    },
  });
}

/**
 * What a refused request tried is recorded as it came, but PostgreSQL stores
 * no NUL byte (neither in text nor in jsonb): an id or detail holding one
 * made the refusal's own audit row fail. It is written as U+FFFD instead.
 */
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\ufffd') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  return value;
}

export const auditQuerySchema = z.object({
  /** a user's e-mail or an actor name, part of it */
  who: z.string().trim().max(200).optional(),
  role: z.enum(ROLES).optional(),
  /** an action or its start, e.g. "batch." */
  action: z.string().trim().max(100).optional(),
  targetId: z.string().trim().max(100).optional(),
  outcome: z.enum(['ok', 'failed']).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.bigint().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

function whereOf(q: AuditQuery) {
  return {
    ...(q.who && {
      OR: [
        { actor: { contains: q.who, mode: 'insensitive' as const } },
        { user: { email: { contains: q.who, mode: 'insensitive' as const } } },
      ],
    }),
    ...(q.role && { role: q.role }),
    ...(q.action && { action: { startsWith: q.action } }),
    ...(q.targetId && { targetId: q.targetId }),
    ...(q.outcome === 'ok' && { outcome: 'ok' }),
    ...(q.outcome === 'failed' && { outcome: { not: 'ok' } }),
    ...((q.from ?? q.to) && { at: { ...(q.from && { gte: q.from }), ...(q.to && { lt: q.to }) } }),
    ...(q.before !== undefined && { id: { lt: q.before } }),
  };
}

/** Newest first, `limit` rows before the id `before` (paging by id keeps pages stable while rows are added). */
export async function listAudit(db: Db, q: AuditQuery) {
  const rows = await prismaOf(db).auditLog.findMany({
    where: whereOf(q),
    orderBy: { id: 'desc' },
    take: q.limit,
    include: { user: { select: { email: true } } },
  });
  return rows.map(({ user, role, ...r }) => ({ ...r, role: role as Role | null, email: user?.email ?? null }));
}
