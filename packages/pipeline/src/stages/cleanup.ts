// Stage 16: the VM runs, so what the migration left behind goes: the
// templates in secondary storage (every copy of every attempt), the image
// and work disk on this box, the published URL; and the source container
// will not start again on a hypervisor reboot (onboot=no). It stays on its
// hypervisor, stopped: our code never deletes a source container.
import { rm } from 'node:fs/promises';
import { toCtid } from '@vzferry/openvz';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { release, workPaths } from '../work-disk';

export async function cleanup(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const { run } = ctx;
  deps.templateServer.unpublishRun(run.runId);
  const uploads = (await deps.templates.list(run.runId)).filter((u) => u.cloudstackTemplateId && u.state !== 'deleted');
  if (uploads.length > 0) {
    const cs = await deps.cloudstack();
    for (const u of uploads) {
      ctx.command(['deleteTemplate', `id=${u.cloudstackTemplateId}`, 'forced=true'], 'CloudStack');
      await cs.client.deleteTemplate({ id: u.cloudstackTemplateId!, forced: true });
      await deps.templates.update(u.id, { state: 'deleted' });
    }
  }
  const paths = workPaths(run.box.workDir, run.runId);
  await release(deps.local, paths);
  await rm(paths.dir, { recursive: true, force: true });
  const src = await deps.source(run);
  const ctid = toCtid(run.container.sourceCtid);
  ctx.command(['vzctl', 'set', String(ctid), '--onboot', 'no', '--save'], run.sourceHost.name);
  await src.adapter.setOnboot(ctid, false, { signal: ctx.signal, timeoutMs: 60_000 });
  return succeeded(undefined, {
    message: `deleted ${uploads.length} template(s) and the work disk; source container left stopped with onboot=no`,
  });
}
