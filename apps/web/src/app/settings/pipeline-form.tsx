'use client';
// The pipeline's limits and time-outs (packages/core pipelineSettingsSchema):
// what an engineer tunes per installation. The server checks every field
// and saves nothing if one is wrong; its message names the field.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Card, ErrorBox, Field, inputClass, SaveButton } from '@/components/ui';
import type { PipelineSettings } from '@/api/settings';
import { fetchJson } from '@/lib/fetch-json';

type Key = keyof PipelineSettings;

interface FieldSpec {
  key: Key;
  label: string;
  hint: string;
  /** int: a whole number; optional-int / optional-text: empty means none; choice: one of `options` */
  kind: 'int' | 'optional-int' | 'optional-text' | 'choice';
  options?: Array<{ value: string; label: string }>;
}

const int = (key: Key, label: string, hint: string): FieldSpec => ({ key, label, hint, kind: 'int' });
const optional =
  (kind: 'optional-int' | 'optional-text') =>
  (key: Key, label: string, hint: string): FieldSpec => ({ key, label, hint, kind });

const choice = (key: Key, label: string, hint: string, options: FieldSpec['options']): FieldSpec => ({
  key,
  label,
  hint,
  kind: 'choice',
  options,
});

const FIELDS: { title: string; fields: FieldSpec[] }[] = [
  {
    title: 'Template downloads',
    fields: [
      int(
        'templateRetryAttempts',
        'Registrations per run',
        'a failed download is deleted and registered again, up to this many times (1-10); then the run stops, retryable',
      ),
      int('templateRetryBackoffSeconds', 'Back-off between registrations (s)', 'grows with each registration'),
      int('templatePollSeconds', 'Status poll (s)', "how often CloudStack's download status is read"),
      int('templateDownloadTimeoutMinutes', 'Download time-out (min)', 'a download not Ready by then counts as failed'),
      int(
        'templateDownloadStartMinutes',
        'Download start time-out (min)',
        'a download the secondary storage VM has not started by then stops the run',
      ),
      int('maxConcurrentTemplateDownloads', 'Downloads at once', 'over all runs and converter boxes'),
    ],
  },
  {
    title: 'Copy and interconnect',
    fields: [
      optional('optional-int')(
        'rsyncBandwidthLimitKbps',
        'rsync bandwidth limit (KiB/s)',
        'empty: none; a batch or host limit can be lower',
      ),
      optional('optional-text')(
        'expectedRouteInterface',
        'Interconnect interface',
        'preflight fails if traffic to a hypervisor leaves over another one; empty: not checked',
      ),
      optional('optional-text')('expectedNextHop', 'Interconnect next hop', 'empty: not checked'),
    ],
  },
  {
    title: 'Cutover',
    fields: [
      choice(
        'cutoverMode',
        'Cutover mode',
        'staged: the VM waits stopped before the window and only the changes move in the downtime; a run that cannot be staged goes classic (its log says why)',
        [
          { value: 'staged', label: 'Staged (VM deployed before the window)' },
          { value: 'classic', label: 'Classic (image moves in the downtime)' },
        ],
      ),
      int(
        'cutoverMarginMinutes',
        'Cutover margin (min)',
        'a cutover starts only if its projection plus this fits the downtime window',
      ),
      int(
        'catchUpSyncIntervalMinutes',
        'Catch-up sync interval (min)',
        "while a run waits for its window, the box's copy catches up this often; the last one projects the downtime (0: none)",
      ),
      int('deployTimeoutSeconds', 'Deploy time-out (s)', 'per CloudStack job of deploy_vm (30-7200)'),
      int(
        'verifyTimeoutSeconds',
        'Verify time-out (s)',
        "how long the VM's IPs may take to answer before the run rolls back",
      ),
    ],
  },
  {
    title: 'Grub-legacy guests (CentOS 4-6)',
    fields: [
      optional('optional-text')(
        'legacyBootIsoId',
        'Boot ISO (CloudStack id)',
        'empty: each converter box registers the boot ISO it serves (npm run boot-iso)',
      ),
      int(
        'legacyCallbackTimeoutMinutes',
        'Call-back deadline (min)',
        'how long deploy_vm waits for the boot ISO to report',
      ),
    ],
  },
];

const toText = (v: PipelineSettings[Key]) => (v === null ? '' : String(v));

function toValue(spec: FieldSpec, text: string): string | number | null {
  const t = text.trim();
  if (spec.kind === 'optional-text') return t === '' ? null : t;
  if (spec.kind === 'choice') return t;
  if (spec.kind === 'optional-int' && t === '') return null;
  // an empty or non-numeric entry goes to the server as is, which names the field in its refusal
  return t === '' || Number.isNaN(Number(t)) ? t : Number(t);
}

export function PipelineForm({ saved }: { saved: PipelineSettings }) {
  const qc = useQueryClient();
  const [form, setForm] = useState<Record<Key, string>>(
    () => Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, toText(v)])) as Record<Key, string>,
  );
  const save = useMutation({
    mutationFn: () =>
      fetchJson<PipelineSettings>('/api/settings/pipeline', {
        method: 'PUT',
        json: Object.fromEntries(FIELDS.flatMap((g) => g.fields).map((f) => [f.key, toValue(f, form[f.key])])),
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['settings'] });
    },
  });
  return (
    <Card title="Pipeline">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
        className="grid gap-5"
      >
        {FIELDS.map((group) => (
          <fieldset key={group.title} className="grid gap-3 md:grid-cols-3">
            <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{group.title}</legend>
            {group.fields.map((f) => (
              <Field key={f.key} label={f.label} hint={f.hint}>
                {f.kind === 'choice' ? (
                  <select
                    className={inputClass}
                    value={form[f.key]}
                    onChange={(e) => setForm({ ...form, [f.key]: e.target.value })}
                  >
                    {f.options!.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    className={inputClass}
                    inputMode={f.kind === 'optional-text' ? 'text' : 'numeric'}
                    value={form[f.key]}
                    onChange={(e) => setForm({ ...form, [f.key]: e.target.value })}
                  />
                )}
              </Field>
            ))}
          </fieldset>
        ))}
        <div className="flex gap-2">
          <SaveButton label="Save pipeline settings" pending={save.isPending} saved={save.isSuccess} />
        </div>
      </form>
      {save.error ? (
        <div className="mt-3">
          <ErrorBox title="Not saved">{save.error.message}</ErrorBox>
        </div>
      ) : null}
    </Card>
  );
}
