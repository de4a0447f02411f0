'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { Setup, userCreatedSchema } from '@/api/auth';
import { Button, Card, ErrorBox, TextField } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';

export function SetupForm({ token }: { token: string }) {
  const [form, setForm] = useState<Setup>({ token, email: '', name: '', password: '' });
  const setup = useMutation({
    mutationFn: () => fetchJson<z.output<typeof userCreatedSchema>>('/api/setup', { method: 'POST', json: form }),
  });
  if (setup.isSuccess) {
    return (
      <Card>
        <p className="text-sm">
          The admin {setup.data.email} is made.{' '}
          <a className="text-sky-700 underline" href="/sign-in">
            Sign in
          </a>
          .
        </p>
      </Card>
    );
  }
  return (
    <Card>
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          setup.mutate();
        }}
      >
        <TextField label="Name" value={form.name} onChange={(name) => setForm({ ...form, name })} />
        <TextField label="E-mail" type="email" value={form.email} onChange={(email) => setForm({ ...form, email })} />
        <TextField
          label="Password"
          hint="At least 12 characters."
          type="password"
          autoComplete="new-password"
          minLength={12}
          value={form.password}
          onChange={(password) => setForm({ ...form, password })}
        />
        {setup.error ? <ErrorBox title="Not set up">{setup.error.message}</ErrorBox> : null}
        <Button type="submit" disabled={setup.isPending}>
          Make the admin
        </Button>
      </form>
    </Card>
  );
}
