// The containers a pasted list names (core's parseContainerRefs): each line
// that names exactly one container that is still on its host, and for every
// other line why not, so the engineer can fix the list.
import { AppError, MAX_REF_LINES, parseContainerRefs, type ContainerRef } from '@vzferry/core';
import { type Db, prismaOf } from '../client';

interface Candidate {
  id: string;
  sourceCtid: number;
  hostname: string | null;
  migrationState: string;
  sourceHost: { name: string };
}

export interface ResolvedRefs {
  found: Array<{ line: number; text: string; container: Candidate }>;
  unknown: Array<{ line: number; text: string; problem: string }>;
}

export async function resolveContainerRefs(db: Db, text: string): Promise<ResolvedRefs> {
  const lines = parseContainerRefs(text);
  if (lines.length > MAX_REF_LINES)
    throw new AppError(
      'batch_too_big',
      `the list has ${lines.length.toLocaleString('en')} lines; a batch holds at most ${MAX_REF_LINES.toLocaleString('en')} containers`,
    );
  const refs = lines.flatMap((l) => (l.ref ? [l.ref] : []));
  const candidates = await candidatesFor(db, refs);
  const result: ResolvedRefs = { found: [], unknown: [] };
  for (const l of lines) {
    if (!l.ref) {
      result.unknown.push({ line: l.line, text: l.text, problem: l.problem ?? 'names no container' });
      continue;
    }
    const matches = candidates.filter((c) => matchesRef(c, l.ref!));
    if (matches.length === 1) result.found.push({ line: l.line, text: l.text, container: matches[0]! });
    else result.unknown.push({ line: l.line, text: l.text, problem: whyNot(l.ref, matches) });
  }
  return result;
}

/** Every container still on its host that any of the references may name, in one query. */
async function candidatesFor(db: Db, refs: ContainerRef[]): Promise<Candidate[]> {
  const ctids = [...new Set(refs.flatMap((r) => (r.kind === 'hostname' ? [] : [r.ctid])))];
  const hostnames = [...new Set(refs.flatMap((r) => (r.kind === 'hostname' ? [r.hostname] : [])))];
  if (ctids.length === 0 && hostnames.length === 0) return [];
  return prismaOf(db).container.findMany({
    where: {
      vanishedAt: null,
      OR: [
        ...(ctids.length ? [{ sourceCtid: { in: ctids } }] : []),
        ...hostnames.map((h) => ({ hostname: { equals: h, mode: 'insensitive' as const } })),
      ],
    },
    orderBy: [{ sourceHost: { name: 'asc' } }, { sourceCtid: 'asc' }],
    select: {
      id: true,
      sourceCtid: true,
      hostname: true,
      migrationState: true,
      sourceHost: { select: { name: true } },
    },
  });
}

function matchesRef(c: Candidate, ref: ContainerRef): boolean {
  switch (ref.kind) {
    case 'ctid':
      return c.sourceCtid === ref.ctid;
    case 'host_ctid':
      return c.sourceCtid === ref.ctid && c.sourceHost.name === ref.host;
    case 'hostname':
      return c.hostname?.toLowerCase() === ref.hostname;
  }
}

function whyNot(ref: ContainerRef, matches: Candidate[]): string {
  const named = matches.map((c) => `${c.sourceHost.name}:${c.sourceCtid}`).join(', ');
  switch (ref.kind) {
    case 'ctid':
      return matches.length
        ? `CTID ${ref.ctid} is on several hosts (${named}); write one of them as host:CTID`
        : `no container has CTID ${ref.ctid}`;
    case 'host_ctid':
      return `source host ${ref.host} has no container ${ref.ctid}`;
    case 'hostname':
      return matches.length
        ? `several containers are named ${ref.hostname} (${named}); write one of them as host:CTID`
        : `no container has the hostname ${ref.hostname}`;
  }
}
