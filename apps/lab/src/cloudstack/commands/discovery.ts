// listApis, as the Api Discovery plugin answers it (plugins/api/discovery:
// ListApisCmd, ApiDiscoveryServiceImpl, ApiDiscoveryResponse,
// ApiParameterResponse): one "api" object per command the lab implements,
// with its parameters, so CloudMonkey's `sync` works against the lab.
import { ApiError, CS } from '../api-error';
import type { ParamType } from '../command-params';
import { type CommandDef, isAsync } from '../registry';
import { listAnswer } from '../responses';
import type { Simulator } from '../simulator';

/** BaseCmd.CommandType, lowercased as getCmdRequestMap writes it (a uuid list is a LIST of UUIDs) */
const COMMAND_TYPE: Record<ParamType, string> = {
  string: 'string',
  uuid: 'uuid',
  boolean: 'boolean',
  integer: 'integer',
  long: 'long',
  list: 'list',
  uuidlist: 'list',
  map: 'map',
};

/** @Parameter's default length */
const PARAM_LENGTH = 255;

function apiResponse(sim: Simulator, def: CommandDef): Record<string, unknown> {
  return {
    name: def.name,
    // the lab's commands carry no description text
    description: '',
    isasync: isAsync(def),
    params: def.params(sim).map((p) => ({
      name: p.name,
      description: '',
      type: COMMAND_TYPE[p.type],
      length: PARAM_LENGTH,
      required: p.required ?? false,
    })),
    // the response fields: the lab does not describe its response objects
    response: [],
  };
}

export function listApisCommand(commands: () => ReadonlyMap<string, CommandDef>): CommandDef {
  return {
    name: 'listApis',
    params: () => [{ name: 'name', type: 'string' }],
    run: ({ sim, p }) => {
      const name = p.str('name');
      const all = commands();
      if (name !== undefined && !all.has(name)) {
        // ListApisCmd.execute: the service answered null
        throw new ApiError(
          530,
          'Api Discovery plugin was unable to find an api by that name or process any apis',
          CS.ServerApiException,
        );
      }
      const defs = name === undefined ? [...all.values()] : [all.get(name)!];
      return listAnswer(
        'api',
        defs.map((def) => apiResponse(sim, def)),
      );
    },
  };
}
