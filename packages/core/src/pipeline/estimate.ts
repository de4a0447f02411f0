// How long a cutover (stop_source .. verify) will take, to decide whether it
// fits in what is left of a downtime window. A deliberately simple model from
// the measurements of bench/ and docs/platforms.md ("Converting on this machine"), made
// pessimistic by rounding every rate down; the window margin (Settings)
// covers the rest. In core (pure) because await_cutover decides with it and
// the batch planner shows it to the engineer before the batch starts.

export interface CutoverInputs {
  usedBytes: bigint;
  files: bigint;
  /**
   * measured seconds of the last catch-up sync (await_cutover): the final
   * sync carries about what it did, so it replaces the guess of the sync
   */
  catchUpSeconds?: number | null;
  legacyBootIso?: boolean;
  /** a staged run: no image travels; the VM boots the ISO, pulls the changes and starts instead */
  staged?: boolean;
  /**
   * a staged cutover's fixed cost as measured on this zone (the median of the
   * last staged cutovers, db measuredStagedCutoverCost); the model's constant without one
   */
  stagedFixedMs?: number | null;
}

const SCAN_FILES_PER_SEC = 20_000; // rsync file-list scan: ~0.5 s per 20k files
const CHANGED_FRACTION = 0.05; // of the data, changed since the last sync
const COPY_BYTES_PER_SEC = 50 * 1024 ** 2;
const CONVERT_BYTES_PER_SEC = 200 * 1024 ** 2; // qemu-img convert
const DOWNLOAD_BYTES_PER_SEC = 25 * 1024 ** 2; // the default SSVM: ~200 Mbit/s
const FIXED_SECONDS = 60 /* stop */ + 120 /* guest rewrite, initramfs, grub */ + 180 /* deploy */ + 60; /* verify */
const LEGACY_ISO_SECONDS = 600;
// stop, re-applying the plan's files, the ISO boot with its pull of what the final sync moved, its call back,
// the start from the disk and verify, until this zone has staged cutovers of its own to measure
export const STAGED_FIXED_SECONDS =
  60 /* stop */ + 10 /* plan files */ + 120 /* ISO boot, call back */ + 90 /* start */ + 60;

export function estimateCutoverMs(i: CutoverInputs): number {
  const used = Number(i.usedBytes);
  const scan = Number(i.files) / SCAN_FILES_PER_SEC;
  const sync = i.catchUpSeconds ?? scan + (used * CHANGED_FRACTION) / COPY_BYTES_PER_SEC;
  // the pull inside the VM moves what the final sync moved, once more
  if (i.staged) return Math.ceil(2 * sync * 1000 + (i.stagedFixedMs ?? STAGED_FIXED_SECONDS * 1000));
  const seconds =
    sync +
    used / CONVERT_BYTES_PER_SEC +
    used / DOWNLOAD_BYTES_PER_SEC +
    FIXED_SECONDS +
    (i.legacyBootIso ? LEGACY_ISO_SECONDS : 0);
  return Math.ceil(seconds * 1000);
}
