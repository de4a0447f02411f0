// The web app's first start on an empty user table (server/first-start.ts,
// called by instrumentation.ts): the admin from the environment, or a
// one-time setup link in the log that makes the first admin once.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '@vzferry/core';
import { SecretBox, signIn } from '@vzferry/db';
import { createTestDatabase, type TestDatabase } from '@vzferry/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import * as setup from '@/app/api/setup/route';
import { authOptions } from '@/server/auth';
import { firstStart } from '@/server/first-start';

const dbs: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((t) => t.drop()));
});

async function freshServer(env: Record<string, string> = {}): Promise<TestDatabase> {
  const t = await createTestDatabase('firststart');
  dbs.push(t);
  const holder = globalThis as typeof globalThis & { __vzferry?: unknown };
  holder.__vzferry = {
    config: loadConfig({ DATABASE_URL: t.url, ...env }),
    db: t.db,
    secrets: new SecretBox(randomBytes(32)),
    producer: { enqueue: async () => 'x', ensure: async () => 'added', close: async () => {} },
  };
  return t;
}

const postSetup = (body: unknown) =>
  setup.POST(
    new Request('http://web.test/api/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );

describe('the first start', () => {
  it('makes the admin of VZFERRY_ADMIN_EMAIL/PASSWORD, who can sign in, and only once', async () => {
    const t = await freshServer({
      VZFERRY_ADMIN_EMAIL: 'Root@Example.net',
      VZFERRY_ADMIN_PASSWORD: 'a long first password',
    });
    const lines: string[] = [];
    await firstStart((l) => lines.push(l));
    await firstStart((l) => lines.push(l));
    expect(lines).toEqual(['created the admin root@example.net (VZFERRY_ADMIN_EMAIL); sign in with it']);
    expect(await t.prisma.user.findMany({ select: { email: true, role: true } })).toEqual([
      { email: 'root@example.net', role: 'admin' },
    ]);
    const { user } = await signIn(t.db, authOptions(), {
      email: 'root@example.net',
      password: 'a long first password',
      ip: null,
      userAgent: null,
    });
    expect(user.role).toBe('admin');
  });

  it('without them, logs a setup link whose token makes the first admin once; a wrong token does nothing', async () => {
    const t = await freshServer();
    const lines: string[] = [];
    await firstStart((l) => lines.push(l));
    expect(lines).toHaveLength(1);
    const token = /\/setup\?token=([\w-]+) /.exec(lines[0]!)?.[1];
    expect(token).toBeDefined();
    // only the token's hash is stored
    expect(JSON.stringify(await t.prisma.verification.findMany())).not.toContain(token);

    const admin = { email: 'first@example.net', name: 'First Admin', password: 'another long password' };
    const wrong = await postSetup({ ...admin, token: `${token}x` });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('setup_link_invalid');
    expect(await t.prisma.user.count()).toBe(0);

    expect((await postSetup({ ...admin, token })).status).toBe(201);
    const again = await postSetup({ ...admin, email: 'second@example.net', token });
    expect(again.status).toBe(409);
    expect(await t.prisma.user.findMany({ select: { email: true, role: true } })).toEqual([
      { email: 'first@example.net', role: 'admin' },
    ]);
  });
});
