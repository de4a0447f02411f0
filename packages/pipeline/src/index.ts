// The migration pipeline: the engine that drives runs through the 16 stages
// (engine/), the stages themselves (stages/, one file per stage id), what a
// stage needs from the world (stage-deps.ts) and the commands it runs on the
// converter box (box/). apps/worker wires it to its process.
export * from './stage-contract';
export * from './stage-deps';
export { STAGE_FUNCTIONS } from './stages';
export { dryRunChecks, preflightChecks, type PreflightInput } from './stages/preflight';
export type { DryRunChecks } from './engine/dry-run';
export { startPipelineEngine, type PipelineEngine, type PipelineEngineOptions, type RunHooks } from './engine/engine';
export { pipelineHooks } from './engine/run-hooks';
export { RunLog } from './engine/run-log';
export { toFailure } from './engine/stage-runner';
export { workPaths, ensureMounted, release, type WorkPaths } from './work-disk';
export {
  attachDisk,
  convertToQcow2,
  createDiskImage,
  detachDisk,
  makeFilesystem,
  mountDisk,
  unmountDisk,
  workDirectory,
  type AttachedDisk,
} from './box/disk';
export { applyPlan, type ApplyOptions } from './box/apply-plan';
export {
  ApplianceRunner,
  APPLIANCE_PVH_KERNEL,
  applianceImage,
  missingApplianceMessage,
  APPLIANCE_DISK,
  type ApplianceImage,
  type ApplianceSettings,
  type WorkDiskMount,
} from './box/appliance';
export type { GuestCommand, GuestJob, GuestJobResult, GuestRunner, GuestRunOptions } from './box/guest-job';
export { fileSha256 } from './box/file-sha256';
export { LocalExecutor } from './box/local-executor';
export * from './rsync';
export * from './nic-plan';
