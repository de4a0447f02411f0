// A container's projected downtime, as the batch planner shows it: core's
// cutover estimate with the inputs await_cutover gives it (the data used, the
// files, the boot ISO's detour for grub-legacy guests).
import { estimateCutoverMs } from '@vzferry/core';
import { parseOsTemplate, usesLegacyGrub } from '@vzferry/guest';

export function projectedDowntimeMs(c: {
  diskUsedKb: bigint | null;
  inodesUsed: bigint | null;
  ostemplate: string | null;
}): number {
  const os = parseOsTemplate(c.ostemplate);
  return estimateCutoverMs({
    usedBytes: (c.diskUsedKb ?? 0n) * 1024n,
    files: c.inodesUsed ?? 0n,
    legacyBootIso: os ? usesLegacyGrub(os) : false,
  });
}
