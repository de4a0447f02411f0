// What rewrite_config changed in the guest's own configuration: per file, the
// original's dropped or changed lines (red) and what replaced them (green);
// vzctl's venet0 lines are left out (packages/guest/src/plan/config-diff.ts).
import type { ConfigDiffRow } from '@/api/runs';

const tone = (line: string) =>
  line.startsWith('- ') ? 'text-red-700' : line.startsWith('+ ') ? 'text-green-700' : 'text-slate-400';

export function ConfigDiffView({ diff }: { diff: ConfigDiffRow[] }) {
  return (
    <div className="grid gap-3 text-xs">
      <p className="text-slate-500">
        The guest&apos;s originals (kept in its backup folder) against the rewritten files; vzctl&apos;s venet0 lines
        are not listed.
      </p>
      {diff.map((d) => (
        <div key={d.from}>
          <p className="font-mono text-slate-700">
            {d.from}
            {d.to === null ? ' (removed)' : d.to !== d.from ? ` → ${d.to}` : ''}
          </p>
          <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 font-mono">
            {d.lines.map((line, i) => (
              <div key={i} className={tone(line)}>
                {line}
              </div>
            ))}
          </pre>
        </div>
      ))}
    </div>
  );
}
