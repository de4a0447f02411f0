// The password of a run's rsync module on the delta server. It is derived
// from the box's secret key and the run id, so nothing has to be stored: the
// worker that writes it into the VM's disk before the cutover and the worker
// that serves the module after a restart compute the same one.
import { createHmac } from 'node:crypto';

/** HMAC-SHA256(key, runId) in hex: 64 characters, one per run and box key. */
export function deltaPassword(key: string, runId: string): string {
  // an empty key would make every password computable from the run id alone
  if (key.length === 0) throw new Error("the delta server's secret key is empty: set the box's secret key");
  return createHmac('sha256', key).update(runId, 'utf8').digest('hex');
}
