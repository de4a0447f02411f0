'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { signedInSchema, SignIn } from '@/api/auth';
import { Button, Card, ErrorBox, TextField } from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';

export function SignInForm({ next }: { next: string }) {
  const [form, setForm] = useState<SignIn>({ email: '', password: '' });
  const signIn = useMutation({
    mutationFn: () => fetchJson<z.output<typeof signedInSchema>>('/api/auth/sign-in', { method: 'POST', json: form }),
    // a full load: the layout renders again with the signed-in user
    onSuccess: () => window.location.assign(next),
  });
  return (
    <Card>
      <form
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          signIn.mutate();
        }}
      >
        <TextField
          label="E-mail"
          type="email"
          autoComplete="username"
          value={form.email}
          onChange={(email) => setForm({ ...form, email })}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={form.password}
          onChange={(password) => setForm({ ...form, password })}
        />
        {signIn.error ? <ErrorBox title="Not signed in">{signIn.error.message}</ErrorBox> : null}
        <Button type="submit" disabled={signIn.isPending || signIn.isSuccess}>
          {signIn.isPending || signIn.isSuccess ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </Card>
  );
}
