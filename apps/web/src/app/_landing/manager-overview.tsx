// The manager's landing page: where the whole migration stands, in four
// numbers, and the way to the report.
import Link from 'next/link';
import type { MigrationProgress } from '@/api/overview';
import { PageHeader, ProgressBar, Stat } from '@/components/ui';

const percent = (n: number, total: number) => (total === 0 ? 0 : Math.round((n / total) * 100));

export function ManagerOverview({ progress }: { progress: MigrationProgress }) {
  const { done, inProgress, failed, left, total } = progress;
  return (
    <div>
      <PageHeader
        title="Migration progress"
        subtitle={`${done.toLocaleString('en')} of ${total.toLocaleString('en')} containers run as VMs in CloudStack (${percent(done, total)} %).`}
        actions={
          <Link
            href="/report"
            className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-sky-800"
          >
            Open the report
          </Link>
        }
      />
      <div className="mb-4">
        <ProgressBar percent={percent(done, total)} label="containers migrated" />
      </div>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="progress-numbers">
        <Stat label="Done" value={done.toLocaleString('en')} hint="migrated: running as a VM" tone="green" />
        <Stat
          label="In progress"
          value={inProgress.toLocaleString('en')}
          hint="in a batch, queued or migrating"
          tone="blue"
        />
        <Stat
          label="Failed"
          value={failed.toLocaleString('en')}
          hint="an engineer retries or cancels them"
          tone={failed > 0 ? 'red' : 'gray'}
        />
        <Stat label="Left" value={left.toLocaleString('en')} hint="not in any batch yet" />
      </div>
    </div>
  );
}
