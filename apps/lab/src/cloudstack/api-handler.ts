// /client/api: verify the signature, check the parameters, run the command
// or queue its job, answer in CloudStack's envelope.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, CS, errorBody } from './api-error';
import { checkControlCharacters, parseParams } from './command-params';
import { listApisCommand } from './commands/discovery';
import { infrastructureCommands } from './commands/infrastructure';
import { nicIsoCommands } from './commands/nics-isos';
import { templateCommands } from './commands/templates';
import { vmCommands } from './commands/vms';
import { volumeCommands } from './commands/volumes';
import { API_INTERNAL_ERROR_TEXT, type ApiCall } from './faults';
import { jobResponse } from './jobs';
import { type CommandDef, isAsync, sleep } from './registry';
import { verifyRequest } from './signature';
import type { Simulator } from './simulator';
import { requestParams, sendApi } from './wire';

const queryAsyncJobResult: CommandDef = {
  name: 'queryAsyncJobResult',
  params: (sim) => [{ name: 'jobid', type: 'uuid', required: true, exists: (id) => sim.jobs.find(id) !== undefined }],
  run: ({ sim, p }) => jobResponse(sim.jobs.find(p.str('jobid') ?? '')!),
};

export const COMMANDS: ReadonlyMap<string, CommandDef> = new Map<string, CommandDef>(
  [
    ...infrastructureCommands,
    ...templateCommands,
    ...vmCommands,
    ...volumeCommands,
    ...nicIsoCommands,
    queryAsyncJobResult,
    listApisCommand(() => COMMANDS),
  ].map((def) => [def.name, def]),
);

/** The lab's own log line for a refused request: never the signature or keys. */
export type ApiLog = (line: string) => void;

export async function handleApi(
  sim: Simulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  log: ApiLog,
): Promise<void> {
  const raw = await requestParams(req, url);
  const responseType = raw.get('response') ?? 'xml';
  const name = raw.get('command');
  const def = name === undefined ? undefined : COMMANDS.get(name);
  // ApiServer.getSerializedApiError: "<command>response" for a known command, else "errorresponse"
  const responseName = def ? `${def.name.toLowerCase()}response` : 'errorresponse';
  const verdict = verifyRequest(raw, sim.state.users, (n) => COMMANDS.has(n), new Date());
  if (!verdict.ok || !def) {
    log(`401 ${name ?? '(no command)'}: ${verdict.ok ? 'unknown command' : verdict.reason}`);
    return sendApi(
      res,
      401,
      responseName,
      errorBody(401, 'unable to verify user credentials and/or request signature', null),
      responseType,
    );
  }
  const call = apiCall(sim, def.name, raw);
  const hang = sim.faults.takeApiHang(call);
  // held, then run all the same: the command is applied after the client gave up waiting
  if (hang !== null) await sleep(hang);
  const failStatus = sim.faults.takeApiError(call);
  if (failStatus !== null) return sendFault(res, failStatus, responseName, responseType, def.name, log);
  try {
    checkControlCharacters(raw);
    const ctx = { sim, user: verdict.user, p: parseParams(def.name, def.params(sim), raw) };
    if (!isAsync(def)) return sendApi(res, 200, responseName, await def.run(ctx), responseType);
    const start = await def.start(ctx);
    const job = sim.jobs.submit(verdict.user, {
      cmdClass: def.cmdClass,
      instanceType: start.instanceType,
      instanceId: start.instanceId,
      work: start.work,
      failWith: sim.faults.takeJobFailure(call),
      hold: sim.faults.takeJobHold(call),
    });
    // getBaseAsyncCreateResponse {id, jobid} / getBaseAsyncResponse {jobid}
    const body = start.objectId === undefined ? { jobid: job.id } : { id: start.objectId, jobid: job.id };
    return sendApi(res, 200, responseName, body, responseType);
  } catch (err) {
    const apiErr =
      err instanceof ApiError
        ? err
        : new ApiError(530, err instanceof Error ? err.message : String(err), CS.ServerApiException);
    log(`${apiErr.errorcode} ${def.name}: ${apiErr.errortext}`);
    return sendApi(
      res,
      apiErr.errorcode,
      responseName,
      errorBody(apiErr.errorcode, apiErr.errortext, apiErr.cserrorcode),
      responseType,
    );
  }
}

/** The call as the API faults see it: its command, its parameters' values and the names its ids refer to. */
function apiCall(sim: Simulator, command: string, raw: Map<string, string>): ApiCall {
  const values = [...raw.entries()].filter(([k]) => !['signature', 'apikey'].includes(k)).map(([, v]) => v);
  const job = sim.jobs.find(raw.get('jobid') ?? '');
  const ids = new Set([...values, ...(job?.instanceId ? [job.instanceId] : [])]);
  const named = [
    ...sim.state.vms.filter((v) => ids.has(v.id)).map((v) => v.name),
    ...sim.state.templates.filter((t) => ids.has(t.id)).map((t) => t.name),
  ];
  return { command, params: [...raw.keys()], names: [...values, ...named] };
}

/** A 530 as ApiServer answers an unexpected exception; another 5xx as a proxy in front of it does. */
function sendFault(
  res: ServerResponse,
  status: number,
  responseName: string,
  responseType: string,
  command: string,
  log: ApiLog,
): void {
  log(`${status} ${command}: fault`);
  if (status === 530)
    return sendApi(
      res,
      530,
      responseName,
      errorBody(530, API_INTERNAL_ERROR_TEXT, CS.ServerApiException),
      responseType,
    );
  const page = `<html><head><title>${status} Service Unavailable</title></head><body><h1>${status}</h1></body></html>`;
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
  res.end(page);
}
