'use client';
// Every state-changing request, newest first: who (and in which role, from
// where), what, on which object, and what came of it. Filters narrow it; the
// CSV has what the filters show.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { ROLES, type Role } from '@/api/access';
import type { AuditFilter, auditPageSchema } from '@/api/audit';
import { Badge, Button, ErrorBox, Field, inputClass, PageHeader, Table } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';

type AuditRow = z.output<typeof auditPageSchema>[number];
const PAGE = 100;

function queryOf(f: AuditFilter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}

export function AuditView() {
  const [filter, setFilter] = useState<AuditFilter>({});
  const rows = useInfiniteQuery({
    queryKey: ['audit', filter],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      fetchJson<z.output<typeof auditPageSchema>>(
        `/api/audit?${queryOf(filter, pageParam ? { before: pageParam, limit: String(PAGE) } : { limit: String(PAGE) })}`,
      ),
    getNextPageParam: (last) => (last.length === PAGE ? last.at(-1)!.id : undefined),
  });
  const all = rows.data?.pages.flat();
  return (
    <div className="grid gap-4">
      <PageHeader
        title="Audit log"
        subtitle="Every change made through vzferry, refused ones included"
        actions={
          <a
            className="text-sm font-medium text-sky-700 underline"
            href={`/api/audit/export?${queryOf(filter)}`}
            download
          >
            Download CSV
          </a>
        }
      />
      <Filters filter={filter} onChange={setFilter} />
      {rows.error ? <ErrorBox title="Could not load the audit log">{rows.error.message}</ErrorBox> : null}
      <Table
        rows={all}
        rowKey={(r) => r.id}
        testId="audit-rows"
        empty="Nothing matches."
        columns={[
          { header: 'When', cell: (r) => new Date(r.at).toLocaleString() },
          { header: 'Who', cell: (r) => <Who row={r} /> },
          { header: 'Action', cell: (r) => <code>{r.action}</code> },
          { header: 'On', cell: (r) => `${r.targetType}${r.targetId ? ` ${r.targetId}` : ''}` },
          { header: 'Outcome', cell: (r) => <Badge tone={r.outcome === 'ok' ? 'green' : 'red'}>{r.outcome}</Badge> },
          {
            header: 'Details',
            cell: (r) => (r.details ? <code className="text-xs">{JSON.stringify(r.details)}</code> : null),
          },
        ]}
      />
      {rows.hasNextPage ? (
        <Button variant="secondary" disabled={rows.isFetchingNextPage} onClick={() => void rows.fetchNextPage()}>
          Older entries
        </Button>
      ) : null}
    </div>
  );
}

function Who({ row }: { row: AuditRow }) {
  return (
    <span>
      {row.email ?? row.actor}
      {row.role ? <span className="text-slate-500"> · {row.role}</span> : null}
      {row.ip ? <span className="block text-xs text-slate-400">{row.ip}</span> : null}
    </span>
  );
}

function Filters({ filter, onChange }: { filter: AuditFilter; onChange: (f: AuditFilter) => void }) {
  const [draft, setDraft] = useState<AuditFilter>(filter);
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(draft);
      }}
    >
      <Field label="Who">
        <input
          className={inputClass}
          value={draft.who ?? ''}
          onChange={(e) => setDraft({ ...draft, who: e.target.value })}
        />
      </Field>
      <Field label="Role">
        <select
          className={inputClass}
          value={draft.role ?? ''}
          onChange={(e) => setDraft({ ...draft, role: (e.target.value || undefined) as Role | undefined })}
        >
          <option value="">any</option>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field label="Action" hint="e.g. batch. or run.retry">
        <input
          className={inputClass}
          value={draft.action ?? ''}
          onChange={(e) => setDraft({ ...draft, action: e.target.value })}
        />
      </Field>
      <Field label="Object id">
        <input
          className={inputClass}
          value={draft.targetId ?? ''}
          onChange={(e) => setDraft({ ...draft, targetId: e.target.value })}
        />
      </Field>
      <Field label="Outcome">
        <select
          className={inputClass}
          value={draft.outcome ?? ''}
          onChange={(e) => setDraft({ ...draft, outcome: (e.target.value || undefined) as AuditFilter['outcome'] })}
        >
          <option value="">any</option>
          <option value="ok">ok</option>
          <option value="failed">refused or failed</option>
        </select>
      </Field>
      <Button type="submit">Filter</Button>
    </form>
  );
}
