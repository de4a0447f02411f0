'use client';
// Source hypervisors: add one, check and accept its SSH host key, import its
// containers and watch the import's progress (polled while anything moves).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type {
  AcceptHostKey,
  HostKeyAccepted,
  ImportQueued,
  NewSourceHost,
  SourceHost as Host,
  SourceHostCreated,
} from '@/api/hosts';
import type { Queued } from '@/api/wire';
import { Badge, Button, Card, ErrorBox, Field, inputClass, PageHeader, ProgressBar, statusTone } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { formatDateTime, relativeTime } from '@/lib/format';
import { useCan } from '@/components/viewer';
import { asSentence } from '@/lib/sentence';

const busy = (h: Host) =>
  h.lastImport?.status === 'queued' ||
  h.lastImport?.status === 'running' ||
  (h.hostKeyState === 'unknown' && !h.lastError);

export function HostsView() {
  const hosts = useQuery({
    queryKey: ['hosts'],
    queryFn: () => fetchJson<Host[]>('/api/hosts'),
    refetchInterval: (q) => (q.state.data?.some(busy) ? 1_000 : 5_000),
  });
  const canAdminister = useCan('administer');
  const [adding, setAdding] = useState(false);
  return (
    <div>
      <PageHeader
        title="Source hosts"
        subtitle="OpenVZ hypervisors the containers are imported from"
        actions={
          canAdminister ? <Button onClick={() => setAdding((a) => !a)}>{adding ? 'Close' : 'Add host'}</Button> : null
        }
      />
      {adding ? <AddHostForm onDone={() => setAdding(false)} /> : null}
      {hosts.error ? <ErrorBox title="Could not load hosts">{hosts.error.message}</ErrorBox> : null}
      {hosts.data && hosts.data.length === 0 ? (
        <p className="text-sm text-slate-500">No source hosts yet. Add one to import its containers.</p>
      ) : null}
      <div className="grid gap-4">
        {hosts.data?.map((h) => (
          <HostCard key={h.id} host={h} />
        ))}
      </div>
    </div>
  );
}

function HostCard({ host }: { host: Host }) {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['hosts'] });
  const canAdminister = useCan('administer');
  const canOperate = useCan('operate');
  const accept = useMutation({
    mutationFn: (fingerprint: string) =>
      fetchJson<HostKeyAccepted>(`/api/hosts/${host.id}/accept-key`, {
        method: 'POST',
        json: { fingerprint } satisfies AcceptHostKey,
      }),
    onSettled: refresh,
  });
  const importNow = useMutation({
    mutationFn: () => fetchJson<ImportQueued>(`/api/hosts/${host.id}/import`, { method: 'POST' }),
    onSettled: refresh,
  });
  const probe = useMutation({
    mutationFn: () => fetchJson<Queued>(`/api/hosts/${host.id}/probe`, { method: 'POST' }),
    onSettled: refresh,
  });
  const imp = host.lastImport;
  const running = imp?.status === 'queued' || imp?.status === 'running';
  const actionError = accept.error ?? importNow.error ?? probe.error;

  return (
    <Card
      title={
        <span className="flex items-center gap-3" data-testid={`host-${host.name}`}>
          {host.name}
          <span className="font-mono text-xs font-normal text-slate-500">
            {host.username}@{host.address}:{host.port}
          </span>
          <Badge tone={statusTone(host.hostKeyState)}>host key {host.hostKeyState}</Badge>
          <span className="text-xs font-normal text-slate-500">{host.containers.toLocaleString('en')} containers</span>
        </span>
      }
    >
      <div className="flex flex-col gap-3 text-sm">
        {host.hostKeyFingerprint ? (
          <p>
            Pinned key:{' '}
            <code className="text-xs">
              {host.hostKeyAlgorithm} {host.hostKeyFingerprint}
            </code>
          </p>
        ) : null}
        {host.pendingHostKeyFingerprint ? (
          <div className="rounded-md border border-amber-200 bg-amber-50 p-3">
            <p className="font-medium text-amber-900">
              {host.hostKeyFingerprint
                ? 'The host now presents a DIFFERENT key. Imports are refused until you accept it.'
                : 'First contact: check this fingerprint against the host before you accept it.'}
            </p>
            <p className="mt-1">
              <code className="text-xs" data-testid="pending-fingerprint">
                {host.pendingHostKeyAlgorithm} {host.pendingHostKeyFingerprint}
              </code>
            </p>
            <p className="mt-1 text-xs text-slate-600">
              On the host: <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>
            </p>
            {canAdminister ? (
              <Button
                className="mt-2"
                disabled={accept.isPending}
                onClick={() => accept.mutate(host.pendingHostKeyFingerprint!)}
              >
                Accept this key
              </Button>
            ) : null}
          </div>
        ) : null}
        {host.lastError ? <ErrorBox title="Last error">{asSentence(host.lastError)}</ErrorBox> : null}
        {actionError ? <ErrorBox>{actionError.message}</ErrorBox> : null}

        {imp ? (
          <div className="flex flex-col gap-1" data-testid="import-status">
            <div className="flex items-center gap-2">
              <span className="font-medium">Last import</span>
              <Badge tone={statusTone(imp.status)}>{imp.status}</Badge>
              <span className="text-xs text-slate-500">
                {imp.finishedAt
                  ? `finished ${relativeTime(imp.finishedAt)} (${formatDateTime(imp.finishedAt)})`
                  : `queued ${relativeTime(imp.queuedAt)}`}
              </span>
            </div>
            {running ? (
              <>
                <ProgressBar percent={imp.progressPercent} label={`import of ${host.name}`} />
                <span className="text-xs text-slate-500">
                  {Math.round(imp.progressPercent)} %: {asSentence(imp.message ?? 'waiting for a worker')}
                </span>
              </>
            ) : null}
            {imp.status === 'succeeded' ? (
              <span className="text-xs text-slate-600">
                Found {imp.containersSeen} {imp.containersSeen === 1 ? 'container' : 'containers'}: {imp.created} new,{' '}
                {imp.updated} updated, {imp.vanished} vanished from the host.
              </span>
            ) : null}
            {imp.status === 'failed' && imp.error ? (
              <ErrorBox title="Import failed; nothing was changed">{asSentence(imp.error)}</ErrorBox>
            ) : null}
          </div>
        ) : null}

        <div className="flex gap-2">
          {canOperate ? (
            <Button
              disabled={host.hostKeyState !== 'accepted' || running || importNow.isPending}
              onClick={() => importNow.mutate()}
            >
              {running ? 'Importing…' : imp ? 'Import again' : 'Import containers'}
            </Button>
          ) : null}
          {canAdminister ? (
            <Button variant="secondary" disabled={probe.isPending} onClick={() => probe.mutate()}>
              Check host key
            </Button>
          ) : null}
        </div>
      </div>
    </Card>
  );
}

function AddHostForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const [form, setForm] = useState({ name: '', address: '', port: '22', username: 'root', privateKey: '' });
  const add = useMutation({
    mutationFn: () =>
      fetchJson<SourceHostCreated>('/api/hosts', {
        method: 'POST',
        json: { ...form, port: Number(form.port) } satisfies NewSourceHost,
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['hosts'] });
      onDone();
    },
  });
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <Card title="Add a source host" className="mb-6">
      <form
        className="grid gap-3 md:grid-cols-4"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <Field label="Name">
          <input className={inputClass} required value={form.name} onChange={set('name')} placeholder="hv1" />
        </Field>
        <Field label="Address">
          <input
            className={inputClass}
            required
            value={form.address}
            onChange={set('address')}
            placeholder="10.0.0.11"
          />
        </Field>
        <Field label="SSH port">
          <input className={inputClass} required inputMode="numeric" value={form.port} onChange={set('port')} />
        </Field>
        <Field label="User">
          <input className={inputClass} required value={form.username} onChange={set('username')} />
        </Field>
        <div className="md:col-span-4">
          <Field
            label="Private key"
            hint="Unencrypted OpenSSH or PEM key. It is stored encrypted and never shown again."
          >
            <textarea
              className={`${inputClass} h-28 font-mono text-xs`}
              required
              value={form.privateKey}
              onChange={set('privateKey')}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            />
          </Field>
        </div>
        {add.error ? (
          <div className="md:col-span-4">
            <ErrorBox title="The host was not added">{add.error.message}</ErrorBox>
          </div>
        ) : null}
        <div className="md:col-span-4">
          <Button type="submit" disabled={add.isPending}>
            {add.isPending ? 'Adding…' : 'Add and check host key'}
          </Button>
        </div>
      </form>
    </Card>
  );
}
