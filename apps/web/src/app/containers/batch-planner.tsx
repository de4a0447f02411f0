'use client';
// The first half of the batch planner: the containers an engineer picks
// (checkboxes in the table, every container the filter matches, or a pasted
// list of CTIDs and hostnames, whose unknown lines are listed) and the
// batch's start time, concurrency and per-hypervisor limit. Creating it makes
// a draft, whose page is the second half: windows, projected downtimes and a
// dry run of preflight before it starts.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { BatchCreated, NewBatch } from '@/api/batches';
import type { ContainerIds, ContainerRefs, ResolvedRefs } from '@/api/planner';
import { Button, Card, ErrorBox, Field, inputClass } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';

export function BatchPlanner({
  picked,
  onPick,
  filterQuery,
  matching,
}: {
  picked: ReadonlySet<string>;
  onPick: (next: ReadonlySet<string>) => void;
  /** the containers page's filter, as its query string */
  filterQuery: string;
  /** how many containers the filter matches */
  matching: number;
}) {
  const add = (ids: readonly string[]) => onPick(new Set([...picked, ...ids]));
  const pickMatching = useMutation({
    mutationFn: () => fetchJson<ContainerIds>(`/api/containers/ids?${filterQuery}`),
    onSuccess: (r) => {
      if (!r.overLimit) add(r.ids);
    },
  });
  const count = picked.size;
  return (
    <Card title="Plan a batch" className="mb-4">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span role="status" className="font-medium">
          {count.toLocaleString('en')} container{count === 1 ? '' : 's'} picked
        </span>
        <Button
          variant="secondary"
          disabled={matching === 0 || pickMatching.isPending}
          onClick={() => pickMatching.mutate()}
        >
          Pick all {matching.toLocaleString('en')} the filter matches
        </Button>
        <Button variant="secondary" disabled={count === 0} onClick={() => onPick(new Set())}>
          Clear
        </Button>
        <span className="text-slate-500">or tick them in the table, or paste a list below.</span>
      </div>
      {pickMatching.data?.overLimit ? (
        <ErrorBox title="Nothing was picked">
          The filter matches more containers than a batch can hold; narrow it.
        </ErrorBox>
      ) : null}
      {pickMatching.error ? <ErrorBox title="Nothing was picked">{pickMatching.error.message}</ErrorBox> : null}
      <PastedList onFound={add} />
      {count > 0 ? <NewBatchForm containerIds={[...picked]} /> : null}
    </Card>
  );
}

function PastedList({ onFound }: { onFound: (ids: string[]) => void }) {
  const [text, setText] = useState('');
  const resolve = useMutation({
    mutationFn: () =>
      fetchJson<ResolvedRefs>('/api/containers/resolve', { method: 'POST', json: { text } satisfies ContainerRefs }),
    onSuccess: (r) => onFound(r.found.map((f) => f.container.id)),
  });
  const r = resolve.data;
  return (
    <details className="mt-3 text-sm">
      <summary className="cursor-pointer font-medium text-slate-700">Paste CTIDs or hostnames</summary>
      <div className="mt-2 flex flex-col gap-2">
        <textarea
          aria-label="CTIDs or hostnames, one per line"
          className={`${inputClass} h-32 w-96 font-mono`}
          placeholder={'101\nhv2:205\nweb1.example.net'}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <p className="text-xs text-slate-500">
          One per line: a CTID, host:CTID when several hosts use the CTID, or a hostname.
        </p>
        <div>
          <Button variant="secondary" disabled={!text.trim() || resolve.isPending} onClick={() => resolve.mutate()}>
            Pick the listed containers
          </Button>
        </div>
        {resolve.error ? <ErrorBox title="The list was not read">{resolve.error.message}</ErrorBox> : null}
        {r ? (
          <p role="status">
            Picked {r.found.length} of {r.found.length + r.unknown.length} line
            {r.found.length + r.unknown.length === 1 ? '' : 's'}.
          </p>
        ) : null}
        {r?.unknown.length ? (
          <ErrorBox title={`${r.unknown.length} line${r.unknown.length === 1 ? ' names' : 's name'} no container`}>
            <ul>
              {r.unknown.map((u) => (
                <li key={u.line}>
                  line {u.line} ({u.text}): {u.problem}
                </li>
              ))}
            </ul>
          </ErrorBox>
        ) : null}
      </div>
    </details>
  );
}

function NewBatchForm({ containerIds }: { containerIds: string[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [startAt, setStartAt] = useState('');
  const [concurrency, setConcurrency] = useState('10');
  const [perHost, setPerHost] = useState('');
  const create = useMutation({
    mutationFn: () =>
      fetchJson<BatchCreated>('/api/batches', {
        method: 'POST',
        json: {
          name,
          containerIds,
          concurrency: Number(concurrency),
          // datetime-local is the browser's local time; the server gets the instant
          ...(startAt && { startAt: new Date(startAt).toISOString() }),
          ...(perHost && { perHostConcurrency: Number(perHost) }),
        } satisfies NewBatch,
      }),
    onSuccess: (b) => router.push(`/batches/${b.id}`),
  });
  return (
    <form
      className="mt-4 flex flex-col gap-3 border-t border-slate-100 pt-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <div className="flex flex-wrap items-end gap-4">
        <Field label="Batch name">
          <input
            className={inputClass}
            placeholder="e.g. wave 1"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label="Start at" hint="Your local time. Empty: when you start it.">
          <input
            type="datetime-local"
            className={inputClass}
            value={startAt}
            onChange={(e) => setStartAt(e.target.value)}
          />
        </Field>
        <Field label="Concurrency" hint="Runs of this batch at once">
          <input
            type="number"
            min={1}
            max={500}
            required
            className={`${inputClass} w-28`}
            value={concurrency}
            onChange={(e) => setConcurrency(e.target.value)}
          />
        </Field>
        <Field label="Per hypervisor" hint="At once on one source host; empty: the host's limit">
          <input
            type="number"
            min={1}
            max={500}
            className={`${inputClass} w-28`}
            value={perHost}
            onChange={(e) => setPerHost(e.target.value)}
          />
        </Field>
      </div>
      <div>
        <Button type="submit" disabled={create.isPending}>
          Plan the batch of {containerIds.length.toLocaleString('en')}
        </Button>
        <span className="ml-3 text-sm text-slate-500">
          A draft: its page shows windows, projected downtimes and a dry run of preflight before you start it.
        </span>
      </div>
      {create.error ? <ErrorBox title="No batch was created">{create.error.message}</ErrorBox> : null}
    </form>
  );
}
