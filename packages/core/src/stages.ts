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

/**
 * The order a run takes its stages in. classic: the image is made, served and
 * deployed inside the downtime. staged: the VM is made from the live copy and
 * waits stopped before the window; in the downtime only final_sync (the
 * changes, from the box into the staged VM) and verify run
 * (docs/architecture.md, "Staged cutover").
 */
export const CUTOVER_PATHS = ['classic', 'staged'] as const;
export type CutoverPath = (typeof CUTOVER_PATHS)[number];

const at = (stage: Stage) => STAGES.indexOf(stage);
/** the classic order with the conversion (detect_os .. deploy_vm) moved before the window */
const STAGED: readonly Stage[] = [
  ...STAGES.slice(0, at('await_cutover')),
  ...STAGES.slice(at('detect_os'), at('verify')),
  ...STAGES.slice(at('await_cutover'), at('detect_os')),
  ...STAGES.slice(at('verify')),
];

export function stageOrder(path: CutoverPath = 'classic'): readonly Stage[] {
  return path === 'staged' ? STAGED : STAGES;
}

function infoOf(path: CutoverPath): readonly StageInfo[] {
  const order = stageOrder(path);
  const firstDown = order.indexOf('stop_source');
  const lastDown = order.indexOf('verify');
  return STAGES.map((stage, i) => {
    const at = order.indexOf(stage);
    const down = at >= firstDown && at <= lastDown;
    return { stage, number: i + 1, title: TITLES[stage], inDowntime: down, rollsBack: down };
  });
}

const INFO: Record<CutoverPath, readonly StageInfo[]> = { classic: infoOf('classic'), staged: infoOf('staged') };

/** The classic order's (the table in docs/architecture.md). */
export const STAGE_INFO: readonly StageInfo[] = INFO.classic;

export function stageInfo(stage: Stage, path: CutoverPath = 'classic'): StageInfo {
  return INFO[path][STAGES.indexOf(stage)]!;
}

/** The stage after `stage` in the path's order, or null after the last one. */
export function nextStage(stage: Stage, path: CutoverPath = 'classic'): Stage | null {
  const order = stageOrder(path);
  return order[order.indexOf(stage) + 1] ?? null;
}

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}
