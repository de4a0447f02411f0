// Stage 16: the VM runs, so what the migration left behind goes: the
// templates in secondary storage (every copy of every attempt), the image
// and work disk on this box, the published URL; and the source container
// will not start again on a hypervisor reboot (onboot=no). It stays on its
// hypervisor, stopped: our code never deletes a source container.
import { rm } from 'node:fs/promises';
import { errorMessage, RETRY_POLICIES, withRetries } from '@vzferry/core';
import { toCtid } from '@vzferry/openvz';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import { type CloudStackSession, type StageDeps, vmName } from '../stage-deps';
import { release, workPaths } from '../work-disk';

export async function cleanup(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const { run } = ctx;
  deps.templateServer.unpublishRun(run.runId);
  const deleted = await deleteRunTemplates(ctx, deps, await deps.cloudstack());
  const paths = workPaths(run.box.workDir, run.runId);
  await release(deps.local, paths);
  await rm(paths.dir, { recursive: true, force: true });
  const src = await deps.source(run);
  const ctid = toCtid(run.container.sourceCtid);
  ctx.command(['vzctl', 'set', String(ctid), '--onboot', 'no', '--save'], run.sourceHost.name);
  await src.adapter.setOnboot(ctid, false, { signal: ctx.signal, timeoutMs: 60_000 });
  return succeeded(undefined, {
    message: `deleted ${deleted} template(s) and the work disk; source container left stopped with onboot=no`,
  });
}

/** Every template of the run in secondary storage (a staged run's go once its VM's root volume exists); how many. */
export async function deleteRunTemplates(ctx: StageContext, deps: StageDeps, cs: CloudStackSession): Promise<number> {
  const uploads = (await deps.templates.list(ctx.run.runId)).filter(
    (u) => u.cloudstackTemplateId && u.state !== 'deleted',
  );
  for (const u of uploads) {
    await deleteTemplate(ctx, cs, u.cloudstackTemplateId!);
    await deps.templates.update(u.id, { state: 'deleted' });
  }
  const strays = await strayTemplates(ctx, cs, new Set(uploads.map((u) => u.cloudstackTemplateId!)));
  for (const id of strays) await deleteTemplate(ctx, cs, id);
  return uploads.length + strays.length;
}

/**
 * Templates named after this run's VM that no upload row knows: a
 * registerTemplate whose answer was lost (a time-out) that CloudStack
 * carried out anyway, perhaps after register_template had registered again.
 */
async function strayTemplates(ctx: StageContext, cs: CloudStackSession, known: Set<string>): Promise<string[]> {
  const prefix = `${vmName(ctx.run)}-t`;
  const found = await cs.client.listTemplates({ keyword: vmName(ctx.run), templateFilter: 'self' });
  const strays = found.filter((t) => t.name.startsWith(prefix) && !known.has(t.id)).map((t) => t.id);
  if (strays.length > 0)
    ctx.log('info', `template(s) ${strays.join(', ')} of this run were registered without an answer`);
  return strays;
}

/**
 * deleteTemplate, tried again after a failure (a job CloudStack failed, a 5xx,
 * no answer): the VM runs, the downtime is over, and a template left behind
 * takes secondary storage for good. After a failure it is looked up: a
 * deletion that went through without its answer is not repeated.
 */
async function deleteTemplate(ctx: StageContext, cs: CloudStackSession, id: string): Promise<void> {
  await withRetries(
    RETRY_POLICIES.rollback,
    async () => {
      ctx.command(['deleteTemplate', `id=${id}`, 'forced=true'], 'CloudStack');
      try {
        await cs.client.deleteTemplate({ id, forced: true }, { signal: ctx.signal });
      } catch (err) {
        if (await gone(cs, id)) return;
        throw err;
      }
    },
    {
      signal: ctx.signal,
      onRetry: (err, n, ms) =>
        ctx.log('warn', `deleting template ${id} failed (try ${n}): ${errorMessage(err)}; again in ${ms / 1000} s`),
    },
  );
}

async function gone(cs: CloudStackSession, id: string): Promise<boolean> {
  const found = await cs.client.listTemplates({ id, templateFilter: 'self' }).catch(() => null);
  return found !== null && found.length === 0;
}
