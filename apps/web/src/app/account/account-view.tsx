'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { doneSchema, PasswordChange } from '@/api/auth';
import { Card, ErrorBox, PageHeader, SaveButton, TextField } from '@/components/ui';
import { useViewer } from '@/components/viewer';
import { fetchJson } from '@/lib/fetch-json';

export function AccountView() {
  const v = useViewer();
  const [form, setForm] = useState<PasswordChange>({ currentPassword: '', newPassword: '' });
  const change = useMutation({
    mutationFn: () => fetchJson<z.output<typeof doneSchema>>('/api/auth/password', { method: 'POST', json: form }),
    onSuccess: () => setForm({ currentPassword: '', newPassword: '' }),
  });
  return (
    <div className="max-w-lg">
      <PageHeader title="Account" subtitle={`${v.name} · ${v.email ?? ''} · ${v.role}`} />
      <Card title="Change the password">
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate();
          }}
        >
          <TextField
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={form.currentPassword}
            onChange={(currentPassword) => setForm({ ...form, currentPassword })}
          />
          <TextField
            label="New password"
            hint="At least 12 characters. Your other sessions end."
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={form.newPassword}
            onChange={(newPassword) => setForm({ ...form, newPassword })}
          />
          {change.error ? <ErrorBox title="Not changed">{change.error.message}</ErrorBox> : null}
          <div className="flex gap-3">
            <SaveButton label="Change the password" pending={change.isPending} saved={change.isSuccess} />
          </div>
        </form>
      </Card>
    </div>
  );
}
