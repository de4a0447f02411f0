'use client';
// The people who use vzferry: an admin adds them with a role and a first
// password, changes a role, disables or enables, sets a new password. Each
// change ends the user's sessions.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { ROLES, type Role } from '@/api/access';
import type { NewUser, userChangedSchema, userCreatedSchema, userListSchema, UserChange } from '@/api/auth';
import {
  Badge,
  Button,
  Card,
  ErrorBox,
  Field,
  inputClass,
  PageHeader,
  SaveButton,
  Table,
  TextField,
} from '@/components/ui';
import { fetchJson } from '@/lib/fetch-json';

type UserRow = z.output<typeof userListSchema>[number];

const ROLE_WORDS: Record<Role, string> = {
  admin: 'users, settings, CloudStack, hosts and keys; everything',
  engineer: 'imports, batches and runs',
  support: 'reads containers, customers and runs; writes notes',
  manager: 'reads everything, reports and exports',
};

export function UsersView() {
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => fetchJson<z.output<typeof userListSchema>>('/api/users'),
  });
  return (
    <div className="grid gap-6">
      <PageHeader title="Users" subtitle="Who may sign in, and what their role lets them do" />
      {users.error ? <ErrorBox title="Could not load the users">{users.error.message}</ErrorBox> : null}
      <Table
        rows={users.data ?? []}
        rowKey={(u) => u.id}
        empty={users.isLoading ? 'Loading…' : 'No users.'}
        columns={[
          { header: 'Name', cell: (u) => u.name },
          { header: 'E-mail', cell: (u) => u.email },
          { header: 'Role', cell: (u) => <RoleSelect user={u} /> },
          { header: 'State', cell: (u) => <UserState user={u} /> },
          { header: '', cell: (u) => <UserActions user={u} /> },
        ]}
      />
      <NewUserForm />
    </div>
  );
}

function useChangeUser(user: UserRow) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: UserChange) =>
      fetchJson<z.output<typeof userChangedSchema>>(`/api/users/${user.id}`, { method: 'PATCH', json: change }),
    onSettled: () => client.invalidateQueries({ queryKey: ['users'] }),
  });
}

function RoleSelect({ user }: { user: UserRow }) {
  const change = useChangeUser(user);
  return (
    <span className="flex flex-col gap-1">
      <select
        aria-label={`Role of ${user.email}`}
        className={inputClass}
        value={user.role}
        disabled={change.isPending}
        onChange={(e) => change.mutate({ role: e.target.value as Role })}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      {change.error ? <span className="text-xs text-red-700">{change.error.message}</span> : null}
    </span>
  );
}

function UserState({ user }: { user: UserRow }) {
  if (user.disabled) return <Badge tone="red">disabled</Badge>;
  if (user.lockedUntil && new Date(user.lockedUntil) > new Date()) return <Badge tone="amber">locked</Badge>;
  return <Badge tone="green">active</Badge>;
}

function UserActions({ user }: { user: UserRow }) {
  const change = useChangeUser(user);
  const [password, setPassword] = useState('');
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        variant="secondary"
        disabled={change.isPending}
        onClick={() => change.mutate({ disabled: !user.disabled })}
      >
        {user.disabled ? 'Enable' : 'Disable'}
      </Button>
      <input
        aria-label={`New password for ${user.email}`}
        className={`${inputClass} w-40`}
        type="password"
        autoComplete="new-password"
        placeholder="new password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <Button
        variant="secondary"
        disabled={change.isPending || password.length === 0}
        onClick={() => change.mutate({ password }, { onSuccess: () => setPassword('') })}
      >
        Set password
      </Button>
      {change.error ? <span className="text-xs text-red-700">{change.error.message}</span> : null}
    </div>
  );
}

function NewUserForm() {
  const client = useQueryClient();
  const blank: NewUser = { email: '', name: '', role: 'support', password: '' };
  const [form, setForm] = useState<NewUser>(blank);
  const create = useMutation({
    mutationFn: () => fetchJson<z.output<typeof userCreatedSchema>>('/api/users', { method: 'POST', json: form }),
    onSuccess: () => {
      setForm(blank);
      void client.invalidateQueries({ queryKey: ['users'] });
    },
  });
  return (
    <Card title="Add a user">
      <form
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Name" value={form.name} onChange={(name) => setForm({ ...form, name })} />
        <TextField label="E-mail" type="email" value={form.email} onChange={(email) => setForm({ ...form, email })} />
        <Field label="Role" hint={ROLE_WORDS[form.role]}>
          <select
            className={inputClass}
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          label="First password"
          hint="At least 12 characters; they change it under Account."
          type="password"
          autoComplete="new-password"
          minLength={12}
          value={form.password}
          onChange={(password) => setForm({ ...form, password })}
        />
        {create.error ? <ErrorBox title="Not added">{create.error.message}</ErrorBox> : null}
        <div className="flex gap-3 sm:col-span-2">
          <SaveButton label="Add the user" pending={create.isPending} saved={create.isSuccess} />
        </div>
      </form>
    </Card>
  );
}
