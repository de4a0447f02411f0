import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsumer, createProducer, type Consumer, type Producer } from '../src';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const open: Array<Producer | Consumer> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('queue contract', () => {
  it('delivers a valid payload to the typed handler', async () => {
    const prefix = `t-${randomUUID()}`;
    const seen: string[] = [];
    let done!: () => void;
    const delivered = new Promise<void>((r) => (done = r));
    open.push(
      createConsumer({
        redisUrl: REDIS_URL,
        prefix,
        queue: 'inventory',
        handlers: {
          probe_host_key: async (p) => {
            seen.push(p.sourceHostId);
            done();
          },
        },
      }),
    );
    const producer = createProducer({ redisUrl: REDIS_URL, prefix });
    open.push(producer);
    const id = randomUUID();
    await producer.enqueue('probe_host_key', { sourceHostId: id });
    await delivered;
    expect(seen).toEqual([id]);
  });

  it('refuses to enqueue a payload that does not match the schema', async () => {
    const producer = createProducer({ redisUrl: REDIS_URL, prefix: `t-${randomUUID()}` });
    open.push(producer);
    await expect(
      producer.enqueue('import_inventory', { sourceHostId: 'not-a-uuid', importId: randomUUID() }),
    ).rejects.toThrow(/invalid payload for job import_inventory: sourceHostId/);
  });
});

describe('converter-box queues', () => {
  it('routes box jobs to the queue of their box only', async () => {
    const prefix = `t-${randomUUID()}`;
    const got: Record<string, string[]> = { a: [], b: [] };
    let done!: () => void;
    const delivered = new Promise<void>((r) => (done = r));
    for (const box of ['a', 'b'] as const) {
      open.push(
        createConsumer({
          redisUrl: REDIS_URL,
          prefix,
          queue: 'box',
          boxId: box,
          handlers: {
            run_stage: async (p) => {
              got[box]!.push(p.stageRunId);
              done();
            },
          },
        }),
      );
    }
    const producer = createProducer({ redisUrl: REDIS_URL, prefix });
    open.push(producer);
    const id = randomUUID();
    await producer.enqueue('run_stage', { stageRunId: id }, { boxId: 'b' });
    await delivered;
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual({ a: [], b: [id] });
    await expect(producer.enqueue('run_stage', { stageRunId: id })).rejects.toThrow(/needs the box id/);
  });

  it('ensure adds a missing job once, and replaces one that already finished', async () => {
    const prefix = `t-${randomUUID()}`;
    const producer = createProducer({ redisUrl: REDIS_URL, prefix });
    open.push(producer);
    const payload = { stageRunId: randomUUID() };
    const opts = { boxId: 'x', jobId: `${payload.stageRunId}-0`, delayMs: 60_000 };
    expect(await producer.ensure('run_stage', payload, opts)).toBe('added');
    expect(await producer.ensure('run_stage', payload, opts)).toBe('exists');

    let runs = 0;
    let done!: () => void;
    const ran = new Promise<void>((r) => (done = r));
    open.push(
      createConsumer({
        redisUrl: REDIS_URL,
        prefix,
        queue: 'box',
        boxId: 'x',
        handlers: {
          run_stage: async () => {
            runs++;
            done();
          },
        },
      }),
    );
    const now = { ...opts, delayMs: 0, jobId: `${payload.stageRunId}-1` };
    expect(await producer.ensure('run_stage', payload, now)).toBe('added');
    await ran;
    await new Promise((r) => setTimeout(r, 200));
    expect(await producer.ensure('run_stage', payload, now)).toBe('added');
    await new Promise((r) => setTimeout(r, 500));
    expect(runs).toBe(2);
  });
});
