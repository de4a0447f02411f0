'use client';
// The three mapping tables, edited as lists and saved together (the server
// checks them and saves all or nothing). A save that removes saved mappings
// is refused until the engineer confirms the removal the server describes.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, ErrorBox, inputClass, SaveButton, Table, type Column } from '@/components/ui';
import type { Connected, Mappings, MappingsInput } from '@/api/settings';
import { ApiError, fetchJson } from '@/lib/fetch-json';

type MappingColumn<T> = { key: keyof T; label: string; type?: 'number'; options?: { value: string; label: string }[] };

export function MappingsEditor({ saved, choices }: { saved: Mappings; choices: Connected | null }) {
  const qc = useQueryClient();
  const [m, setM] = useState<Mappings>(saved);
  const save = useMutation({
    mutationFn: (confirmRemove: boolean) =>
      fetchJson<Mappings>('/api/settings/mappings', {
        method: 'PUT',
        json: { ...m, ...(confirmRemove && { confirmRemove }) } satisfies MappingsInput,
      }),
    onSuccess: async (next) => {
      setM(next);
      await qc.invalidateQueries({ queryKey: ['settings'] });
    },
  });
  const unconfirmed = save.error instanceof ApiError && save.error.code === 'confirmation_required';
  const networks = choices?.networks.map((n) => ({ value: n.id, label: `${n.name}${n.cidr ? ` (${n.cidr})` : ''}` }));
  const offerings = choices?.offerings.map((o) => ({
    value: o.id,
    label: `${o.name}${o.memory ? ` (${o.memory} MB, ${o.cpunumber} CPU)` : ''}`,
  }));
  const osTypes = choices?.osTypes.map((o) => ({ value: o.id, label: o.description }));
  return (
    <Card title="Mappings">
      <p className="mb-4 text-sm text-slate-600">
        Test the connection above to pick CloudStack networks, offerings and OS types by name.
      </p>
      <MappingTable
        title="Networks: source subnet / VLAN → CloudStack network"
        rows={m.networks}
        onChange={(networks) => setM({ ...m, networks })}
        blank={{
          name: '',
          cidr: '',
          sourceVlan: null,
          gateway: null,
          cloudstackNetworkId: '',
          cloudstackNetworkName: null,
        }}
        columns={[
          { key: 'name', label: 'Name' },
          { key: 'cidr', label: 'Subnet (CIDR)' },
          { key: 'sourceVlan', label: 'Source VLAN', type: 'number' },
          { key: 'gateway', label: 'Gateway' },
          { key: 'cloudstackNetworkId', label: 'CloudStack network', options: networks },
        ]}
      />
      <MappingTable
        title="Service offerings: containers up to this size → offering"
        rows={m.offerings}
        onChange={(offerings) => setM({ ...m, offerings })}
        blank={{ maxRamMb: 1024, maxCpus: 1, serviceOfferingId: '', serviceOfferingName: null }}
        columns={[
          { key: 'maxRamMb', label: 'RAM up to (MiB)', type: 'number' },
          { key: 'maxCpus', label: 'CPUs up to', type: 'number' },
          { key: 'serviceOfferingId', label: 'Service offering', options: offerings },
        ]}
      />
      <MappingTable
        title="OS types: detected OS → CloudStack OS type"
        rows={m.osTypes}
        onChange={(osTypes) => setM({ ...m, osTypes })}
        blank={{
          distribution: '',
          version: '',
          osTypeId: '',
          osTypeName: null,
          legacyOsTypeId: null,
          legacyOsTypeName: null,
        }}
        columns={[
          { key: 'distribution', label: 'Distribution' },
          { key: 'version', label: 'Version' },
          { key: 'osTypeId', label: 'OS type', options: osTypes },
          { key: 'legacyOsTypeId', label: 'OS type while on the boot ISO (legacy)', options: osTypes },
        ]}
      />
      {unconfirmed ? (
        <ErrorBox title="Removing mappings: confirm it; nothing changed yet">
          <p>{save.error?.message}</p>
          <Button variant="danger" className="mt-2" disabled={save.isPending} onClick={() => save.mutate(true)}>
            Remove them and save
          </Button>
        </ErrorBox>
      ) : save.error ? (
        <ErrorBox title="Mappings not saved; nothing changed">{save.error.message}</ErrorBox>
      ) : null}
      <div className="mt-3 flex items-center gap-3">
        <SaveButton
          label="Save mappings"
          pending={save.isPending}
          saved={save.isSuccess}
          onClick={() => save.mutate(false)}
        />
      </div>
    </Card>
  );
}

function MappingTable<T extends Record<string, unknown>>({
  title,
  rows,
  onChange,
  blank,
  columns,
}: {
  title: string;
  rows: T[];
  onChange: (rows: T[]) => void;
  blank: T;
  columns: MappingColumn<T>[];
}) {
  const update = (i: number, key: keyof T, raw: string, type?: 'number') => {
    const value = raw === '' ? null : type === 'number' ? Number(raw) : raw;
    onChange(rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  };
  const cells: Column<T>[] = columns.map((c) => ({
    header: c.label,
    headerClassName: 'pr-2',
    className: 'pr-2',
    cell: (row, i) => {
      const value = row[c.key] === null || row[c.key] === undefined ? '' : String(row[c.key]);
      return c.options?.length ? (
        <select
          aria-label={c.label}
          className={`${inputClass} w-full`}
          value={value}
          onChange={(e) => update(i, c.key, e.target.value)}
        >
          <option value="">—</option>
          {!c.options.some((o) => o.value === value) && value ? <option value={value}>{value}</option> : null}
          {c.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          aria-label={c.label}
          className={`${inputClass} w-full`}
          inputMode={c.type === 'number' ? 'numeric' : undefined}
          value={value}
          onChange={(e) => update(i, c.key, e.target.value, c.type)}
        />
      );
    },
  }));
  const remove: Column<T> = {
    header: null,
    cell: (_, i) => (
      <Button variant="secondary" aria-label="Remove row" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
        ×
      </Button>
    ),
  };
  return (
    <div className="mb-6">
      <h3 className="mb-2 text-sm font-semibold text-slate-700">{title}</h3>
      {/* rows of inputs need no rule between them */}
      <Table look="plain" columns={[...cells, remove]} rows={rows} rowKey={(_, i) => i} rowClassName="" />
      <Button variant="secondary" className="mt-2" onClick={() => onChange([...rows, { ...blank }])}>
        Add row
      </Button>
    </div>
  );
}
