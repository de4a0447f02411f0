// A list of containers an engineer pastes into the batch planner, one per
// line: a CTID ("101"), a CTID on one source host ("hv1:101", for a CTID
// that several hosts use) or a hostname ("web1.example.net"). Pure: the
// database says which containers the references name (packages/db planner).
import { ctidSchema } from './inventory';

export type ContainerRef =
  | { kind: 'ctid'; ctid: number }
  | { kind: 'host_ctid'; host: string; ctid: number }
  | { kind: 'hostname'; hostname: string };

export interface ParsedRefLine {
  /** 1-based, as the engineer counts the lines they pasted */
  line: number;
  text: string;
  ref: ContainerRef | null;
  /** why the line names no container, when ref is null */
  problem?: string;
}

/** The most lines one paste may hold (a batch holds at most 5,000 containers). */
export const MAX_REF_LINES = 5000;

const HOST_CTID = /^([A-Za-z0-9][A-Za-z0-9._-]*):(\d+)$/;
const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/;

/** The non-empty lines of a paste, each with what it names; lines starting with # are comments. */
export function parseContainerRefs(text: string): ParsedRefLine[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'))
    .map((l) => ({ ...l, ...parseRef(l.text) }));
}

function parseRef(text: string): { ref: ContainerRef | null; problem?: string } {
  if (/^\d+$/.test(text)) return ctid(text, (n) => ({ kind: 'ctid', ctid: n }));
  const onHost = HOST_CTID.exec(text);
  if (onHost) return ctid(onHost[2]!, (n) => ({ kind: 'host_ctid', host: onHost[1]!, ctid: n }));
  if (text.length <= 253 && HOSTNAME.test(text)) {
    return { ref: { kind: 'hostname', hostname: text.replace(/\.$/, '').toLowerCase() } };
  }
  return { ref: null, problem: `"${text}" is not a CTID, host:CTID or hostname` };
}

function ctid(digits: string, make: (n: number) => ContainerRef): { ref: ContainerRef | null; problem?: string } {
  const parsed = ctidSchema.safeParse(Number(digits));
  if (!parsed.success) return { ref: null, problem: `${digits}: ${parsed.error.issues[0]!.message}` };
  return { ref: make(parsed.data) };
}
