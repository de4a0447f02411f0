// Stage 13: CloudStack's secondary storage downloads the image from this
// converter box's template server. Downloads fail (time-outs, resets) and
// CloudStack has no retry: a failed template is deleted and registered again
// with back-off, up to the configured number of attempts; then the failure
// stops the run, visible and retryable with one click. Every attempt is a
// TemplateUpload row, so a resumed stage continues the attempt in flight,
// even one whose worker died before it wrote down the template's id.
import { AppError, retryDelayMs, sleep, templateRegistrationPolicy, type PipelineSettings } from '@vzferry/core';
import {
  CloudStackError,
  CloudStackTransportError,
  type RegisterTemplateInput,
  type Template,
} from '@vzferry/cloudstack';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import { type StageContext, type StageReturn, succeeded } from '../stage-contract';
import {
  type CloudStackSession,
  containerLabel,
  imageChecksum,
  type StageDeps,
  type TemplateUploadRow,
  vmName,
} from '../stage-deps';
import { pickOsType } from '../target-choice';
import { downloadFailed, downloadPending, downloadPercent } from '../template-status';

const SLOT_RECHECK_MS = 15_000;
/** Inside the downtime a run waits this long at most for a download slot it lost, then rolls back. */
const SLOT_WAIT_IN_DOWNTIME_MS = 10 * 60_000;
const LIVE: TemplateUploadRow['state'][] = ['registering', 'downloading', 'ready'];

export async function registerTemplate(ctx: StageContext, deps: StageDeps): Promise<StageReturn> {
  const { run } = ctx;
  const checksum = imageChecksum(run);
  const [cs, settings] = await Promise.all([deps.cloudstack(), deps.settings()]);
  const uploads = await adoptCutOff(ctx, deps, cs, await deps.templates.list(run.runId));
  // a Retry after a rollback made a new image (final_sync ran again): the old one's templates go
  for (const old of uploads.filter(
    (u) => u.checksum !== checksum && u.cloudstackTemplateId && LIVE.includes(u.state),
  )) {
    ctx.log('info', `template ${old.cloudstackTemplateId} holds an earlier image of this run; deleting it`);
    await discard(ctx, deps, cs, old);
  }
  const mine = uploads.filter((u) => u.checksum === checksum);
  if (mine.some((u) => u.state === 'ready')) {
    await deps.templates.releaseSlot(run.runId);
    return succeeded(undefined, { message: 'the template is ready already' });
  }
  let current =
    mine.find((u) => (u.state === 'registering' || u.state === 'downloading') && u.cloudstackTemplateId) ?? null;
  let attemptsUsed = Math.max(0, ...uploads.map((u) => u.attempt));

  // every attempt of the stage (an engineer's Retry is a new one) gets the configured registrations
  const policy = templateRegistrationPolicy(settings);
  const budget = policy.attempts * ctx.attempt;
  const usedByThisAttempt = () => attemptsUsed - policy.attempts * (ctx.attempt - 1);
  for (;;) {
    if (!current) {
      if (attemptsUsed >= budget) {
        const last = (await deps.templates.list(run.runId)).at(-1);
        throw new AppError(
          'template_download_failed',
          `the template download failed ${usedByThisAttempt()} time(s); last: ${last?.csStatus ?? 'unknown error'}. Clear the cause, then Retry`,
        );
      }
      // stop_source took the slot; this renews it, or takes one again after its lease ran out (a crashed worker)
      if (!(await deps.templates.acquireSlot(run.runId, settings.maxConcurrentTemplateDownloads))) {
        slotWaitDeadline(ctx);
        return {
          outcome: {
            kind: 'wait',
            until: new Date(ctx.now().getTime() + SLOT_RECHECK_MS),
            message: `waiting for one of the ${settings.maxConcurrentTemplateDownloads} secondary storage download slots`,
          },
        };
      }
      attemptsUsed++;
      current = await register(ctx, deps, cs, attemptsUsed);
    }
    const outcome = current ? await followDownload(ctx, deps, cs, current, settings) : 'failed';
    if (outcome === 'ready') {
      deps.templateServer.unpublishRun(run.runId);
      await deps.templates.releaseSlot(run.runId);
      return succeeded(undefined, { message: `template ready after ${attemptsUsed} registration(s)` });
    }
    if (current) await discard(ctx, deps, cs, current);
    current = null;
    if (attemptsUsed < budget) {
      const backoff = retryDelayMs(policy, usedByThisAttempt());
      ctx.log('warn', `registering again in ${backoff / 1000} s (registration ${attemptsUsed + 1}, at most ${budget})`);
      await sleep(backoff, ctx.signal);
    }
  }
}

/**
 * A row still `registering` without a template id at the start of an attempt
 * is a registration whose worker died before it wrote the id down (attempts
 * of a run never overlap): CloudStack may have the template. Found by its
 * name (unique per run and registration), it is followed like any other and
 * deleted by cleanup; otherwise the registration never reached CloudStack.
 */
async function adoptCutOff(
  ctx: StageContext,
  deps: StageDeps,
  cs: CloudStackSession,
  uploads: TemplateUploadRow[],
): Promise<TemplateUploadRow[]> {
  const out: TemplateUploadRow[] = [];
  for (const u of uploads) {
    if (u.state !== 'registering' || u.cloudstackTemplateId) {
      out.push(u);
      continue;
    }
    const name = templateName(ctx.run, u.attempt);
    const [t] = await cs.client.listTemplates({ name, templateFilter: 'self' });
    if (t) {
      ctx.log('info', `template ${name} (${t.id}) was registered by a worker that stopped; following it`);
      await deps.templates.update(u.id, { cloudstackTemplateId: t.id, state: 'downloading', csStatus: t.status ?? '' });
      out.push({ ...u, cloudstackTemplateId: t.id, state: 'downloading' });
    } else {
      const why = 'the registration did not reach CloudStack (its worker stopped)';
      await deps.templates.update(u.id, { state: 'failed', csStatus: why, error: why });
      out.push({ ...u, state: 'failed' });
    }
  }
  return out;
}

function templateName(run: StageContext['run'], attempt: number): string {
  return `${vmName(run)}-t${attempt}`;
}

/** The slot wait is downtime: past the limit the run rolls back instead of keeping its customer down. */
function slotWaitDeadline(ctx: StageContext): void {
  const waitingSince = ctx.run.state.downtimeStartedAt;
  if (waitingSince && ctx.now().getTime() - waitingSince.getTime() > SLOT_WAIT_IN_DOWNTIME_MS)
    throw new AppError(
      'download_slot_timeout',
      `no secondary storage download slot came free within ${SLOT_WAIT_IN_DOWNTIME_MS / 60_000} min of the downtime`,
    );
}

/**
 * One registration; null when CloudStack did not take it: a 5xx or no answer
 * (the management server busy or restarting) counts as a failed registration,
 * like a failed download, and the loop registers again after its back-off.
 * A registration whose answer was lost may still have been applied: it is
 * looked up by its name (unique to the run and attempt) first, and cleanup
 * deletes one that shows up later.
 */
async function register(
  ctx: StageContext,
  deps: StageDeps,
  cs: CloudStackSession,
  attempt: number,
): Promise<TemplateUploadRow | null> {
  const { run } = ctx;
  const { imagePath, imageSha256, imageBytes } = run.state;
  if (!imagePath || !imageSha256 || imageBytes === null)
    throw new AppError('image_missing', `${containerLabel(run)}: convert_image left no image`);
  const name = templateName(run, attempt);
  const { url } = deps.templateServer.publish(imagePath, { runId: run.runId, name });
  const row = await deps.templates.create(run.runId, {
    attempt,
    name,
    url,
    checksum: `{SHA-256}${imageSha256}`,
    sizeBytes: imageBytes,
  });
  const template = await registerCall(ctx, cs, name, {
    name,
    displayText: `${run.container.hostname ?? name} (migrated container ${run.container.sourceCtid})`,
    url,
    zoneId: cs.zoneId,
    osTypeId: await osTypeFor(ctx, deps),
    checksum: `{SHA-256}${imageSha256}`,
    passwordEnabled: true,
    sshKeyEnabled: true,
    requiresHvm: true,
    isPublic: false,
  }).catch(async (err: unknown) => {
    if (!(err instanceof CloudStackError) || !registrationMayWork(err)) throw err;
    const why = `CloudStack did not take the registration: ${err.message}`;
    ctx.log('warn', why);
    await deps.templates.update(row.id, { state: 'failed', csStatus: why, error: why });
    return null;
  });
  if (!template) return null;
  await deps.templates.update(row.id, {
    cloudstackTemplateId: template.id,
    state: 'downloading',
    csStatus: template.status ?? 'registered',
  });
  ctx.log('info', `registered template ${name} (${template.id}) from ${new URL(url).origin}/…`);
  return { ...row, cloudstackTemplateId: template.id, state: 'downloading' };
}

/** A 5xx or no answer: the management server, not the request, is at fault; a 4xx stays final. */
function registrationMayWork(err: CloudStackError): boolean {
  return err instanceof CloudStackTransportError || (err.httpStatus ?? 0) >= 500;
}

/** registerTemplate, and the template it made when its answer was lost (looked up by its name). */
async function registerCall(
  ctx: StageContext,
  cs: CloudStackSession,
  name: string,
  input: RegisterTemplateInput,
): Promise<Template> {
  try {
    return await cs.client.registerTemplate(input);
  } catch (err) {
    if (!(err instanceof CloudStackTransportError) || !err.outcomeUnknown) throw err;
    const [made] = await cs.client.listTemplates({ name, templateFilter: 'self' }).catch(() => []);
    if (!made) throw err;
    ctx.log('info', `registerTemplate got no answer, but template ${name} (${made.id}) is there: following it`);
    return made;
  }
}

/** A grub-legacy guest first boots as an IDE-era OS type (the boot-ISO path). */
async function osTypeFor(ctx: StageContext, deps: StageDeps): Promise<string> {
  const os = parseOsTemplate(ctx.run.container.ostemplate);
  const mapped = os ? pickOsType(await deps.mappings(), os) : null;
  if (!os || !mapped) throw new AppError('mapping_missing', `${containerLabel(ctx.run)}: no OS type mapping`);
  return usesLegacyGrub(os) && mapped.legacyOsTypeId ? mapped.legacyOsTypeId : mapped.osTypeId;
}

async function followDownload(
  ctx: StageContext,
  deps: StageDeps,
  cs: CloudStackSession,
  upload: TemplateUploadRow,
  settings: PipelineSettings,
): Promise<'ready' | 'failed'> {
  const deadline = ctx.now().getTime() + settings.templateDownloadTimeoutMinutes * 60_000;
  const startDeadline = ctx.now().getTime() + settings.templateDownloadStartMinutes * 60_000;
  let lastStatus = '';
  for (;;) {
    const found = await pollTemplate(ctx, cs, upload, ctx.now().getTime() > deadline);
    if (found === 'unknown') {
      await sleep(settings.templatePollSeconds * 1000, ctx.signal);
      continue;
    }
    const [t] = found;
    if (!t) return fail(ctx, deps, upload, 'the template disappeared from CloudStack');
    const status = (t.status ?? '').trim();
    const percent = downloadPercent(t);
    if (status !== lastStatus) {
      ctx.log('info', `template ${t.name}: ${status || 'no status yet'}`);
      lastStatus = status;
    }
    ctx.progress({ percent: percent ?? undefined, message: status });
    if (t.isready) {
      await deps.templates.update(upload.id, { state: 'ready', csStatus: status, downloadPercent: 100, error: null });
      return 'ready';
    }
    if (downloadFailed(t)) return fail(ctx, deps, upload, status || 'download error');
    if (downloadPending(t) && ctx.now().getTime() > startDeadline) await notStarted(ctx, deps, cs, upload, t, settings);
    await deps.templates.update(upload.id, { csStatus: status, ...(percent !== null && { downloadPercent: percent }) });
    if (ctx.now().getTime() > deadline)
      return fail(
        ctx,
        deps,
        upload,
        `no progress to Ready within ${settings.templateDownloadTimeoutMinutes} min (last: ${status})`,
      );
    await sleep(settings.templatePollSeconds * 1000, ctx.signal);
  }
}

/**
 * One poll of the template; 'unknown' while CloudStack does not answer it (a
 * 5xx, no answer: a management server restarting): the download goes on in
 * secondary storage meanwhile, so the stage asks again until its deadline
 * rather than rolling back; past the deadline the error is the run's.
 */
async function pollTemplate(
  ctx: StageContext,
  cs: CloudStackSession,
  upload: TemplateUploadRow,
  pastDeadline: boolean,
): Promise<Template[] | 'unknown'> {
  try {
    return await cs.client.listTemplates({ id: upload.cloudstackTemplateId!, templateFilter: 'self' });
  } catch (err) {
    if (!(err instanceof CloudStackError) || !registrationMayWork(err) || pastDeadline) throw err;
    ctx.log('warn', `${err.message}; asking again`);
    return 'unknown';
  }
}

/**
 * No secondary storage VM took the download (status "" or "Active", every
 * copy NOT_DOWNLOADED; template-status.ts): a new registration would wait the
 * same way, so the run stops with what to look at.
 */
async function notStarted(
  ctx: StageContext,
  deps: StageDeps,
  cs: CloudStackSession,
  upload: TemplateUploadRow,
  t: Template,
  settings: PipelineSettings,
): Promise<never> {
  const why = `CloudStack's secondary storage did not start downloading template ${t.name} within ${settings.templateDownloadStartMinutes} min (status "${(t.status ?? '').trim()}"): check that the zone's secondary storage VM is running and reaches the converter box's template server, then Retry`;
  await fail(ctx, deps, upload, why);
  await discard(ctx, deps, cs, upload);
  throw new AppError('template_download_not_started', why);
}

async function fail(ctx: StageContext, deps: StageDeps, upload: TemplateUploadRow, why: string): Promise<'failed'> {
  ctx.log('error', `template download failed: ${why}`);
  await deps.templates.update(upload.id, { state: 'failed', csStatus: why, error: why });
  return 'failed';
}

/** There is no API to retry a download: delete the template (docs/platforms.md, "Templates"). */
async function discard(
  ctx: StageContext,
  deps: StageDeps,
  cs: CloudStackSession,
  upload: TemplateUploadRow,
): Promise<void> {
  try {
    await cs.client.deleteTemplate({ id: upload.cloudstackTemplateId!, forced: true }, { signal: ctx.signal });
    await deps.templates.update(upload.id, { state: 'deleted' });
  } catch (err) {
    ctx.log(
      'warn',
      `could not delete the failed template ${upload.cloudstackTemplateId}: ${(err as Error).message}; cleanup deletes it later`,
    );
  }
}
