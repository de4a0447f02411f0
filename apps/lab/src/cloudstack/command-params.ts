// Typed parameters of a command, checked like ParamProcessWorker.processParameters:
// a missing required parameter, a bad number or an unknown id is a 431 with
// the management server's own words.
import { invalidParameterValue, paramError } from './api-error';

export type ParamType = 'string' | 'uuid' | 'boolean' | 'integer' | 'long' | 'list' | 'uuidlist' | 'map';

export interface ParamSpec {
  name: string;
  type: ParamType;
  required?: boolean;
  /** for uuid params: whether an object with this id exists (removed ones included, as findByUuidIncludingRemoved) */
  exists?: (id: string) => boolean;
}

export type MapParam = Record<string, Record<string, string>>;

export interface ParsedParams {
  str(name: string): string | undefined;
  bool(name: string): boolean | undefined;
  int(name: string): number | undefined;
  list(name: string): string[] | undefined;
  /** map parameters (iptonetworklist[0].ip) in index order */
  map(name: string): Record<string, string>[] | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** "deployVirtualMachine" -> "deployvirtualmachine", as getCommandName() minus "response" */
const short = (command: string) => command.toLowerCase();

function invalidUuid(command: string, name: string, value: string): Error {
  return paramError(
    `Unable to execute API command ${short(command)} due to invalid value. Invalid parameter ${name} value=${value} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
  );
}

/** BaseCmd.unpackParams: `name[i].key=value` -> {name: {i: {key: value}}} */
function unpackMaps(raw: ReadonlyMap<string, string>): Map<string, Map<string, Record<string, string>>> {
  const maps = new Map<string, Map<string, Record<string, string>>>();
  for (const [key, value] of raw) {
    const m = /^([^[]+)\[(\d+)\]\.(.+)$/.exec(key);
    if (!m) continue;
    const [, name, index, inner] = m as unknown as [string, string, string, string];
    const byIndex = maps.get(name.toLowerCase()) ?? new Map<string, Record<string, string>>();
    const entry = byIndex.get(index) ?? {};
    entry[inner] = value;
    byIndex.set(index, entry);
    maps.set(name.toLowerCase(), byIndex);
  }
  return maps;
}

function checkOne(command: string, spec: ParamSpec, value: string): void {
  const badValue = () =>
    paramError(
      `Unable to execute API command ${short(command)} due to invalid value ${value} for parameter ${spec.name}`,
    );
  switch (spec.type) {
    case 'integer':
    case 'long':
      if (value.trim() !== '' && !/^-?\d+$/.test(value)) throw badValue();
      return;
    case 'uuid':
      if (value !== '-1' && (!UUID.test(value) || (spec.exists && !spec.exists(value))))
        throw invalidUuid(command, spec.name, value);
      return;
    case 'uuidlist':
      for (const token of value.split(',').filter((t) => t !== '')) {
        if (!UUID.test(token) || (spec.exists && !spec.exists(token))) throw invalidUuid(command, spec.name, token);
      }
      return;
    default:
      return;
  }
}

export function parseParams(
  command: string,
  specs: readonly ParamSpec[],
  raw: ReadonlyMap<string, string>,
): ParsedParams {
  const maps = unpackMaps(raw);
  for (const spec of specs) {
    const present = spec.type === 'map' ? maps.has(spec.name) : raw.has(spec.name);
    if (!present) {
      if (spec.required)
        throw paramError(`Unable to execute API command ${short(command)} due to missing parameter ${spec.name}`);
      continue;
    }
    if (spec.type !== 'map') checkOne(command, spec, raw.get(spec.name) ?? '');
  }
  return {
    str: (name) => raw.get(name),
    // Boolean.valueOf: anything but "true" (any case) is false
    bool: (name) => (raw.has(name) ? (raw.get(name) ?? '').toLowerCase() === 'true' : undefined),
    int: (name) => {
      const v = raw.get(name);
      return v === undefined || v.trim() === '' ? undefined : Number.parseInt(v, 10);
    },
    list: (name) =>
      raw
        .get(name)
        ?.split(',')
        .filter((t) => t !== ''),
    map: (name) => {
      const byIndex = maps.get(name);
      if (!byIndex) return undefined;
      return [...byIndex.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, entry]) => entry);
    },
  };
}

const isControl = (code: number) => (code < 0x20 && code !== 0x0a && code !== 0x0d) || code === 0x7f;

/** ApiServer.checkCharacterInkParams: no ASCII control characters in any value. */
export function checkControlCharacters(raw: ReadonlyMap<string, string>): void {
  for (const [key, value] of raw) {
    // CONTROL_CHARACTERS = "[\000-\011\013-\014\016-\037\177]": everything below 0x20 but LF and CR, and DEL
    if ([...value].some((c) => isControl(c.charCodeAt(0)))) {
      throw paramError(`Received value containing illegal ASCII non-printable characters for parameter ${key}`);
    }
  }
}

export { invalidParameterValue };
