// What rewrite_config changed in the guest's own configuration, as the run's
// log and page show it: per file, the original's dropped or changed lines
// ("- ") with what replaced them ("+ "), leaving out vzctl's venet0 lines
// (packages/guest/src/plan/config-diff.ts computes it). Kept on the
// rewrite_config attempt's result and read back checked with this schema.
import { z } from 'zod';

export const configDiffSchema = z.object({
  /** the original, as kept in the backup folder */
  from: z.string(),
  /** the rewritten file; null when the file was removed */
  to: z.string().nullable(),
  /** "@@ line N" heads, "- " lines of the original, "+ " lines of the rewritten file */
  lines: z.array(z.string()),
});
export type ConfigDiff = z.infer<typeof configDiffSchema>;
