// Where a container is and how it got there, as support reads it: the state
// sentence and the runs as a timeline (words from core's support/, times in
// the customer's zone). Shared by the customer and the container pages.
import Link from 'next/link';
import type { TimelineEntry } from '@/api/support';
import { Badge, Table, type Column, type Tone } from './ui';

const KIND_TONES: Record<string, Tone> = {
  migrated: 'green',
  failed: 'red',
  rolling_back: 'red',
  in_progress: 'blue',
  scheduled: 'amber',
  queued: 'amber',
  planned: 'amber',
  on_hold: 'amber',
};

const KIND_WORDS: Record<string, string> = {
  not_planned: 'not planned',
  planned: 'planned',
  scheduled: 'scheduled',
  queued: 'queued',
  on_hold: 'on hold',
  in_progress: 'in progress',
  rolling_back: 'rolling back',
  migrated: 'migrated',
  failed: 'failed',
  vanished: 'gone from its host',
};

export function StateLine({ state }: { state: { kind: string; text: string } }) {
  return (
    <p className="flex flex-wrap items-baseline gap-2">
      <Badge tone={KIND_TONES[state.kind] ?? 'gray'}>{KIND_WORDS[state.kind] ?? state.kind}</Badge>
      <span className="font-medium" data-testid="container-state">
        {state.text}
      </span>
    </p>
  );
}

const TIMELINE_COLUMNS: Column<TimelineEntry>[] = [
  {
    header: 'Batch',
    cell: (e) => (
      <Link className="text-sky-700 hover:underline" href={`/batches/${e.batch.id}`}>
        {e.batch.name}
      </Link>
    ),
  },
  {
    header: 'Outcome',
    cell: (e) => (
      <Link className="text-sky-700 hover:underline" href={`/runs/${e.runId}`}>
        {e.outcome}
      </Link>
    ),
  },
  { header: 'Started', className: 'whitespace-nowrap', cell: (e) => e.started },
  { header: 'Stage reached', cell: (e) => e.stageReached ?? 'none yet' },
  { header: 'Downtime', cell: (e) => e.downtime ?? 'none' },
  {
    header: 'VM',
    cell: (e) =>
      e.vm ? (
        <span title={e.vm.id ?? undefined}>
          {e.vm.name}
          {e.vm.networks.length ? <span className="text-slate-500"> on {e.vm.networks.join(', ')}</span> : null}
        </span>
      ) : (
        '-'
      ),
  },
  {
    header: 'Why it failed',
    cell: (e) =>
      e.failure ? (
        <span>
          {e.failure.summary}
          {e.failure.detail ? <span className="block text-xs text-slate-500">{e.failure.detail}</span> : null}
        </span>
      ) : (
        '-'
      ),
  },
];

// the plain look has no gap between columns; this table's cells hold sentences
const SPACED = TIMELINE_COLUMNS.map((c) => ({
  ...c,
  className: `pr-4 align-top ${c.className ?? ''}`,
  headerClassName: 'pr-4',
}));

export function RunTimeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <p className="text-sm text-slate-500">Not in any batch yet.</p>;
  return <Table look="plain" testId="run-timeline" columns={SPACED} rows={entries} rowKey={(e) => e.runId} />;
}
