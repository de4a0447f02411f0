// The 16 pipeline stages, in order (docs/architecture.md, "Pipeline stages"). These identifiers are the
// names in code, in the database enum "Stage", in queue job names, in log
// lines and in the UI.
export const STAGES = [
  'preflight',
  'prepare_source',
  'create_disk',
  'initial_sync',
  'await_cutover',
  'stop_source',
  'final_sync',
  'detect_os',
  'backup_config',
  'rewrite_config',
  'make_bootable',
  'convert_image',
  'register_template',
  'deploy_vm',
  'verify',
  'cleanup',
] as const;

export type Stage = (typeof STAGES)[number];

export interface StageInfo {
  stage: Stage;
  /** 1-based position in the pipeline (docs/architecture.md's table) */
  number: number;
  title: string;
  /** the source container is down while this stage runs */
  inDowntime: boolean;
  /** a failure here rolls back: the source container is started again */
  rollsBack: boolean;
}

const TITLES: Record<Stage, string> = {
  preflight: 'Preflight checks',
  prepare_source: 'Prepare source',
  create_disk: 'Create disk',
  initial_sync: 'Initial sync',
  await_cutover: 'Await cutover',
  stop_source: 'Stop source',
  final_sync: 'Final sync',
  detect_os: 'Detect OS',
  backup_config: 'Back up config',
  rewrite_config: 'Rewrite config',
  make_bootable: 'Make bootable',
  convert_image: 'Convert image',
  register_template: 'Register template',
  deploy_vm: 'Deploy VM',
  verify: 'Verify',
  cleanup: 'Clean up',
};

const FIRST_DOWN = STAGES.indexOf('stop_source');
const LAST_DOWN = STAGES.indexOf('verify');

export const STAGE_INFO: readonly StageInfo[] = STAGES.map((stage, i) => ({
  stage,
  number: i + 1,
  title: TITLES[stage],
  inDowntime: i >= FIRST_DOWN && i <= LAST_DOWN,
  rollsBack: i >= FIRST_DOWN && i <= LAST_DOWN,
}));

export function stageInfo(stage: Stage): StageInfo {
  return STAGE_INFO[STAGES.indexOf(stage)]!;
}

/** The stage after `stage`, or null after the last one. */
export function nextStage(stage: Stage): Stage | null {
  return STAGES[STAGES.indexOf(stage) + 1] ?? null;
}

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}
