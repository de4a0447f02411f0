'use client';
// Customer CSV upload (all or nothing: any bad row is listed and nothing
// changes), and support's search: the customer list, or what the search box
// finds (its text is the URL's q, which the search box of every page sets).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { customerRowErrorsSchema, type CustomerImport, type CustomerRowError } from '@/api/customers';
import { Button, Card, ErrorBox, PageHeader, Table, type Column } from '@/components/ui';
import { useCan } from '@/components/viewer';
import { ApiError, fetchJson } from '@/lib/fetch-json';
import { CustomerSearch } from './customer-search';

/** What the page shows after an upload: what was imported, or the rows that refused the file. */
type Outcome = { imported: CustomerImport } | { refused: CustomerRowError[] };

const ERROR_COLUMNS: Column<CustomerRowError>[] = [
  { header: 'Line', headerClassName: 'w-20', className: 'tabular-nums', cell: (e) => e.line },
  { header: 'Problem', cell: (e) => e.reason },
];

export function CustomersView() {
  const canImport = useCan('operate');
  return (
    <div>
      <PageHeader title="Customers" subtitle="Who owns which container, and when they accept downtime" />
      {canImport ? <CsvUpload /> : null}
      <CustomerSearch />
    </div>
  );
}

function CsvUpload() {
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (f: File): Promise<Outcome> => {
      try {
        return {
          imported: await fetchJson<CustomerImport>('/api/customers/import', {
            method: 'POST',
            body: await f.text(),
            headers: { 'content-type': 'text/csv' },
          }),
        };
      } catch (err) {
        // a refused file names its bad rows: an answer to show, not a failure
        const rows =
          err instanceof ApiError && err.code === 'customers_invalid'
            ? customerRowErrorsSchema.safeParse(err.details)
            : undefined;
        if (rows?.success) return { refused: rows.data };
        throw err;
      }
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['customers'] }),
  });
  const answer = upload.data;
  return (
    <Card title="Upload the customer CSV" className="mb-6">
      <p className="mb-3 text-sm text-slate-600">
        Columns: <code>ctid</code> (or <code>hostname</code>), optional <code>host</code>, <code>customer</code>,{' '}
        <code>email</code>, <code>timezone</code> (IANA, e.g. Europe/Berlin), optional <code>downtime_window</code>{' '}
        (e.g. <code>Sun 02:00-05:00</code>). A file with any bad row changes nothing.
      </p>
      <form
        className="flex items-center gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (file) upload.mutate(file);
        }}
      >
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="Customer CSV file"
          className="text-sm"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <Button type="submit" disabled={!file || upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Upload'}
        </Button>
      </form>
      {upload.error ? (
        <div className="mt-3">
          <ErrorBox>{upload.error.message}</ErrorBox>
        </div>
      ) : null}
      {answer && 'imported' in answer ? (
        <p role="status" className="mt-3 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">
          Imported: {answer.imported.containersAssigned} containers assigned, {answer.imported.customersCreated} new
          customers, {answer.imported.customersUpdated} updated.
        </p>
      ) : null}
      {answer && 'refused' in answer ? (
        <div className="mt-3" role="alert">
          <p className="mb-2 text-sm font-semibold text-red-800">
            {answer.refused.length} {answer.refused.length === 1 ? 'row has' : 'rows have'} errors. Nothing was
            imported; fix the file and upload it again.
          </p>
          <Table
            look="plain"
            testId="csv-errors"
            columns={ERROR_COLUMNS}
            rows={answer.refused}
            rowKey={(_, i) => i}
            rowClassName="border-t border-red-100 text-red-900"
          />
        </div>
      ) : null}
    </Card>
  );
}
