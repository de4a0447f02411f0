// The 16 stages, by their ids (packages/core stages.ts): what the engine runs
// for each. One file per stage, named after it.
import type { StageRegistry } from '../stage-contract';
import type { StageDeps } from '../stage-deps';
import { awaitCutover } from './await-cutover';
import { backupConfig } from './backup-config';
import { cleanup } from './cleanup';
import { convertImage } from './convert-image';
import { createDisk } from './create-disk';
import { deployVm } from './deploy-vm';
import { detectOs } from './detect-os';
import { finalSync } from './final-sync';
import { initialSync } from './initial-sync';
import { makeBootable } from './make-bootable';
import { preflight } from './preflight';
import { prepareSource } from './prepare-source';
import { registerTemplate } from './register-template';
import { rewriteConfig } from './rewrite-config';
import { stopSource } from './stop-source';
import { verify } from './verify';

export const STAGE_FUNCTIONS: StageRegistry<StageDeps> = {
  preflight,
  prepare_source: prepareSource,
  create_disk: createDisk,
  initial_sync: initialSync,
  await_cutover: awaitCutover,
  stop_source: stopSource,
  final_sync: finalSync,
  detect_os: detectOs,
  backup_config: backupConfig,
  rewrite_config: rewriteConfig,
  make_bootable: makeBootable,
  convert_image: convertImage,
  register_template: registerTemplate,
  deploy_vm: deployVm,
  verify,
  cleanup,
};
