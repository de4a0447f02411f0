// Which order a run takes (packages/core stages.ts, docs/architecture.md
// "Staged cutover"): staged when the zone's setting asks for it and
// everything a staged cutover needs is there; otherwise classic, with the
// reason, which preflight writes into the run's log.
import type { CutoverPath } from '@vzferry/core';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';
import type { StageContext } from './stage-contract';
import type { StageDeps } from './stage-deps';

export async function chooseCutoverPath(
  run: StageContext['run'],
  deps: StageDeps,
): Promise<{ path: CutoverPath; why: string }> {
  const classic = (why: string) => ({ path: 'classic' as const, why });
  const settings = await deps.settings();
  if (settings.cutoverMode === 'classic') return classic('this zone runs classic cutovers (Settings, Cutover mode)');
  const os = parseOsTemplate(run.container.ostemplate);
  // grub 0.97 is installed by the boot ISO in deploy_vm, with the VM on an IDE-era OS type
  if (os && usesLegacyGrub(os)) return classic(`${os.distribution} ${os.version} boots with grub 0.97 (boot ISO job)`);
  if (!deps.deltaServer)
    return classic(`converter box ${run.box.name} runs no delta server (DELTA_SERVER_PORT is not set)`);
  if (!run.box.templateServerUrl)
    return classic(`converter box ${run.box.name} has no template server URL for the boot ISO to call back to`);
  if (!settings.legacyBootIsoId && !(await deps.bootIso()))
    return classic(`converter box ${run.box.name} has no boot ISO to pull the changes with (npm run boot-iso)`);
  return { path: 'staged', why: 'the VM is deployed before the window; only the changes move in the downtime' };
}
