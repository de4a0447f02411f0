// The 16 stages of DESIGN.md, by name: what the engine runs for each.
import type { StageRegistry } from '@vzferry/pipeline';
import { awaitCutover } from './await-cutover';
import { cleanup } from './cleanup';
import { createDisk } from './create-disk';
import type { StageDeps } from './deps';
import { deployVm } from './deploy-vm';
import { backupConfig, convertImage, detectOsStage, makeBootable, rewriteConfig } from './guest-stages';
import { preflight } from './preflight';
import { prepareSource } from './prepare-source';
import { registerTemplate } from './register-template';
import { stopSource } from './stop-source';
import { finalSync, initialSync } from './sync';
import { verify } from './verify';

export const STAGE_FUNCTIONS: StageRegistry<StageDeps> = {
  preflight,
  prepare_source: prepareSource,
  create_disk: createDisk,
  initial_sync: initialSync,
  await_cutover: awaitCutover,
  stop_source: stopSource,
  final_sync: finalSync,
  detect_os: detectOsStage,
  backup_config: backupConfig,
  rewrite_config: rewriteConfig,
  make_bootable: makeBootable,
  convert_image: convertImage,
  register_template: registerTemplate,
  deploy_vm: deployVm,
  verify,
  cleanup,
};

export type { StageDeps } from './deps';
