// The scale bench (bench/scale.ts) reduced to a size CI runs in a few
// minutes: 300 lab containers on 3 hypervisors, 2 converter boxes (real
// worker processes, each with its name, max runs and a disk of its own), a
// batch of 8 (one grown to a real size) with every limit set low enough to
// bind: 2 runs per hypervisor, 2 per box, a 40 GiB disk per box, one template
// download at a time. It runs the bench itself (`npm run bench -- scale`, a
// process of its own: a workspace does not import bench/), which fails on a
// limit exceeded, and asserts what the bench recorded before it cleaned up:
// every run succeeded, every source container is stopped and not started at
// boot on its hypervisor, and the sweep over the recorded stage timeline
// found each limit held at every moment.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BATCH = 8;
const dir = mkdtempSync(path.join(os.tmpdir(), 'vzferry-scale-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resultSchema = z.object({
  complete: z.boolean(),
  runs: z.number(),
  byStatus: z.record(z.string(), z.number()),
  failures: z.array(z.string()),
  realSized: z.array(z.string()),
  sources: z.object({ total: z.number(), stopped: z.number(), onbootNo: z.number() }),
  checks: z.array(z.object({ what: z.string(), max: z.number(), limit: z.number(), held: z.boolean() })),
  gaps: z.array(z.object({ to: z.string(), n: z.number(), p50: z.number(), p95: z.number() })),
});

it('migrates a batch over several hypervisors and boxes with every limit held at every moment', async () => {
  const json = path.join(dir, 'result.json');
  // the reduced run's section goes to a copy: the repository's RESULTS.md keeps the full-size figures
  const results = path.join(dir, 'RESULTS.md');
  const committed = readFileSync(path.join(ROOT, 'bench/RESULTS.md'), 'utf8');
  copyFileSync(path.join(ROOT, 'bench/RESULTS.md'), results);
  const env = {
    ...process.env,
    BENCH_SCALE_CONTAINERS: '300',
    BENCH_SCALE_HOSTS: '3',
    BENCH_SCALE_BOXES: '2',
    BENCH_SCALE_BOX_MAX_RUNS: '2',
    BENCH_SCALE_BOX_DISK_GIB: '40',
    BENCH_SCALE_BATCH: String(BATCH),
    BENCH_SCALE_BATCH_CONCURRENCY: '5',
    BENCH_SCALE_HOST_LIMIT: '2',
    BENCH_SCALE_DOWNLOADS: '1',
    BENCH_SCALE_REAL: '1',
    BENCH_SCALE_REAL_MIB: '64',
    BENCH_SCALE_TIMEOUT_MIN: '8',
    // test files run at once in vitest's workers: each lab its own VM addresses (as lab-stack.ts)
    BENCH_SCALE_ADDRESS_BLOCK: String(Number(process.env.VITEST_POOL_ID ?? 0) % 15),
    BENCH_SCALE_JSON: json,
    BENCH_RESULTS: results,
  };
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'scale'], { cwd: ROOT, env });
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  console.log(output.join(''));
  expect(code, 'the scale bench failed (its output is above)').toBe(0);
  expect(readFileSync(path.join(ROOT, 'bench/RESULTS.md'), 'utf8')).toBe(committed);
  expect(readFileSync(results, 'utf8')).toMatch(/## Scale: 8 runs of a batch/);

  const r = resultSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
  expect(r.complete).toBe(true);
  expect(r.runs).toBe(BATCH);
  expect(r.failures).toEqual([]);
  expect(r.byStatus).toEqual({ succeeded: BATCH });
  expect(r.realSized).toHaveLength(1);
  expect(r.sources).toEqual({ total: BATCH, stopped: BATCH, onbootNo: BATCH });
  expect(r.checks.map((c) => c.what)).toEqual([
    'runs on a hypervisor',
    'source stages running on a hypervisor',
    'runs on a converter box',
    'stages running on a converter box',
    'disk reserved on a converter box',
    'runs of the batch',
    'template downloads (register_template running)',
  ]);
  for (const c of r.checks) {
    expect(c.held, `${c.what}: ${c.max} of ${c.limit}`).toBe(true);
    expect(c.max, `${c.what}: the sweep saw it in use`).toBeGreaterThan(0);
    expect(c.max).toBeLessThanOrEqual(c.limit);
  }
  // every stage of every run is in the timeline the overheads come from
  expect(r.gaps.find((g) => g.to === 'cleanup')?.n).toBe(BATCH);
}, 600_000);
