// The shape of a simulated API command: its parameters, and either a
// synchronous answer or the synchronous part of an async command plus the
// job that finishes it (ApiServer.queueCommand: BaseCmd, BaseAsyncCmd,
// BaseAsyncCreateCmd).
import type { ParamSpec, ParsedParams } from './command-params';
import type { Simulator } from './simulator';
import type { LabUser } from './state';

export interface CommandContext {
  sim: Simulator;
  user: LabUser;
  p: ParsedParams;
}

export interface SyncCommand {
  name: string;
  params: (sim: Simulator) => ParamSpec[];
  run: (ctx: CommandContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface AsyncStart {
  /** BaseAsyncCreateCmd: the new object's id, answered next to the job id */
  objectId?: string;
  instanceType: string | null;
  instanceId: string | null;
  /** the job: resolves to the jobresult object, or throws ApiError / Error */
  work: () => Promise<Record<string, unknown>>;
}

export interface AsyncCommand {
  name: string;
  /** the job's "cmd" field: the command class */
  cmdClass: string;
  params: (sim: Simulator) => ParamSpec[];
  start: (ctx: CommandContext) => AsyncStart | Promise<AsyncStart>;
}

export type CommandDef = SyncCommand | AsyncCommand;

export const isAsync = (def: CommandDef): def is AsyncCommand => 'start' in def;

/** page/pagesize as ListCmd reads them (default.page.size = 500). */
export function paged<T>(items: T[], p: ParsedParams): T[] {
  const pagesize = p.int('pagesize') ?? 500;
  const page = p.int('page') ?? 1;
  if (pagesize <= 0 || page <= 0) return items;
  return items.slice((page - 1) * pagesize, page * pagesize);
}

/** SQL LIKE '%x%' under MySQL's case-insensitive collation. */
export function like(value: string, needle: string | undefined): boolean {
  return needle === undefined || value.toLowerCase().includes(needle.toLowerCase());
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
