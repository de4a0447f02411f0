'use client';
// CloudStack connection (the secret is write-only: the page only learns
// whether one is stored), the three mappings the pipeline deploys with, and
// the pipeline's limits and time-outs.
// "Test connection" shows what CloudStack answered and fills the choices.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type {
  CloudStackSettingsInput,
  CloudStackSettingsView,
  ConnectionTest,
  ConnectionTestInput,
  Settings,
} from '@/api/settings';
import { Button, Card, ErrorBox, Field, inputClass, PageHeader, SaveButton } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';
import { MappingsEditor } from './mappings-editor';
import { PipelineForm } from './pipeline-form';

export function SettingsView() {
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => fetchJson<Settings>('/api/settings') });
  const [test, setTest] = useState<ConnectionTest | null>(null);
  return (
    <div>
      <PageHeader
        title="Settings"
        subtitle="Where the VMs go, how containers map to CloudStack, and the pipeline's limits"
      />
      {settings.error ? <ErrorBox title="Could not load the settings">{settings.error.message}</ErrorBox> : null}
      {settings.data ? (
        <div className="grid gap-6">
          <ConnectionForm saved={settings.data.cloudstack} test={test} onTested={setTest} />
          <MappingsEditor saved={settings.data.mappings} choices={test?.ok ? test : null} />
          <PipelineForm saved={settings.data.pipeline} />
        </div>
      ) : null}
    </div>
  );
}

function ConnectionForm({
  saved,
  test,
  onTested,
}: {
  saved: CloudStackSettingsView;
  test: ConnectionTest | null;
  onTested: (t: ConnectionTest) => void;
}) {
  const qc = useQueryClient();
  const [form, setForm] = useState({
    endpoint: saved?.endpoint ?? '',
    apiKey: saved?.apiKey ?? '',
    secretKey: '',
    zoneId: saved?.zoneId ?? '',
    allowPlainHttp: saved?.allowPlainHttp ?? false,
  });
  const plainHttp = form.endpoint.startsWith('http:');
  const runTest = useMutation({
    mutationFn: () =>
      fetchJson<ConnectionTest>('/api/settings/cloudstack/test', {
        method: 'POST',
        json: {
          endpoint: form.endpoint,
          apiKey: form.apiKey,
          allowPlainHttp: form.allowPlainHttp,
          secretKey: form.secretKey || null,
          zoneId: form.zoneId || null,
        } satisfies ConnectionTestInput,
      }),
    onSuccess: (t) => {
      onTested(t);
      const zoneId = t.ok ? t.zoneId : null;
      if (!form.zoneId && zoneId) setForm((f) => ({ ...f, zoneId }));
    },
  });
  const save = useMutation({
    mutationFn: () =>
      fetchJson<CloudStackSettingsView>('/api/settings/cloudstack', {
        method: 'PUT',
        json: { ...form, secretKey: form.secretKey || null } satisfies CloudStackSettingsInput,
      }),
    onSuccess: async () => {
      setForm((f) => ({ ...f, secretKey: '' }));
      await qc.invalidateQueries({ queryKey: ['settings'] });
    },
  });
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <Card title="CloudStack connection">
      <form
        className="grid gap-3 md:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Field label="API endpoint" hint="e.g. https://cloud.example.com/client/api">
          <input className={inputClass} required value={form.endpoint} onChange={set('endpoint')} />
        </Field>
        {plainHttp ? (
          <label className="flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900 md:col-span-2">
            <input
              type="checkbox"
              checked={form.allowPlainHttp}
              onChange={(e) => setForm({ ...form, allowPlainHttp: e.target.checked })}
            />
            <span>
              Allow plain HTTP. Every request, with the API key, travels readable to anyone on the way: only for a lab
              or an isolated management network. Use https otherwise.
            </span>
          </label>
        ) : null}
        <Field label="API key">
          <input className={`${inputClass} font-mono text-xs`} required value={form.apiKey} onChange={set('apiKey')} />
        </Field>
        <Field
          label="Secret key"
          hint={
            saved?.hasSecret
              ? 'A secret is stored (encrypted). Leave empty to keep it; a new endpoint needs its secret typed in.'
              : 'Stored encrypted; never shown again.'
          }
        >
          <input
            className={`${inputClass} font-mono text-xs`}
            type="password"
            autoComplete="off"
            value={form.secretKey}
            onChange={set('secretKey')}
            placeholder={saved?.hasSecret ? '•••••••• (stored)' : ''}
          />
        </Field>
        <Field label="Zone" hint="Test the connection to list the zones">
          {test?.ok && test.zones.length ? (
            <select className={inputClass} value={form.zoneId} onChange={set('zoneId')} required>
              <option value="">Choose a zone</option>
              {test.zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.name} ({z.id})
                </option>
              ))}
            </select>
          ) : (
            <input
              className={`${inputClass} font-mono text-xs`}
              required
              value={form.zoneId}
              onChange={set('zoneId')}
            />
          )}
        </Field>
        <div className="flex gap-2 md:col-span-2">
          <Button
            variant="secondary"
            disabled={runTest.isPending || !form.endpoint || !form.apiKey}
            onClick={() => runTest.mutate()}
          >
            {runTest.isPending ? 'Testing…' : 'Test connection'}
          </Button>
          <SaveButton label="Save connection" pending={save.isPending} saved={save.isSuccess} />
        </div>
      </form>
      {runTest.error ? (
        <div className="mt-3">
          <ErrorBox>{runTest.error.message}</ErrorBox>
        </div>
      ) : null}
      {save.error ? (
        <div className="mt-3">
          <ErrorBox title="Not saved">{save.error.message}</ErrorBox>
        </div>
      ) : null}
      {test ? <TestResult test={test} /> : null}
    </Card>
  );
}

function TestResult({ test }: { test: ConnectionTest }) {
  if (!test.ok) {
    return (
      <div className="mt-3" data-testid="connection-test">
        <ErrorBox title={`CloudStack refused (after ${test.elapsedMs} ms)`}>{test.error}</ErrorBox>
      </div>
    );
  }
  return (
    <div
      className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900"
      data-testid="connection-test"
    >
      <p className="font-semibold">
        Connected in {test.elapsedMs} ms: {test.zones.length} zones; in the chosen zone {test.networks.length} networks,{' '}
        {test.offerings.length} service offerings, {test.osTypes.length} OS types.
      </p>
      <p className="mt-1 text-xs">Zones: {test.zones.map((z) => z.name).join(', ')}</p>
    </div>
  );
}
