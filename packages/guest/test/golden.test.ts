// Golden tests: for every supported OS and three networks (one NIC with one
// IP, one NIC with three IPs, two NICs in two networks), the plan rendered
// as text must equal test/golden/<os>/<scenario>.plan line for line. The
// goldens are reviewed files: UPDATE_GOLDENS=1 rewrites them, and the diff
// is read against docs/platforms.md ("Guest operating systems") and the
// upstream files it names before it is committed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planConversion, type ConversionPlan } from '../src/index';
import { fixture, fixtureIds, ROOT_UUID, SCENARIOS } from './support/fixtures';

const GOLDEN = path.resolve(import.meta.dirname, 'golden');

function renderPlan(plan: ConversionPlan): string {
  const out = [
    `# ${plan.os.description}: ${plan.os.distribution} ${plan.os.version}, ${plan.os.init}, grub ${plan.os.grub}, ${plan.os.initramfs}, ${plan.os.network}`,
  ];
  out.push(`kernel command line: ${plan.kernelCmdline}`);
  out.push(`packages: ${plan.packages.join(' ')}`);
  out.push(`backup to ${plan.backupDir}: ${plan.backup.join(' ')}`);
  out.push(`remove: ${plan.remove.join(' ') || '-'}`);
  out.push(
    `links: ${
      Object.entries(plan.links)
        .map(([p, t]) => `${p} -> ${t}`)
        .join(' ') || '-'
    }`,
  );
  out.push(
    'commands:',
    ...plan.commands.map(
      (c) => `  ${c.argv.join(' ')}    # ${c.why}${c.initramfs ? ' [initramfs: built before the downtime]' : ''}`,
    ),
  );
  out.push(`legacy boot ISO: ${plan.legacyBootIso ? JSON.stringify(plan.legacyBootIso) : 'no'}`);
  for (const w of plan.write)
    out.push('', `===== ${w.path} (mode ${w.mode.toString(8)})`, w.content.replace(/\n$/, ''));
  return `${out.join('\n')}\n`;
}

describe('conversion plans (golden)', () => {
  for (const id of fixtureIds()) {
    for (const [scenario, network] of Object.entries(SCENARIOS)) {
      it(`${id} ${scenario}`, () => {
        const text = renderPlan(planConversion({ files: fixture(id), network, rootUuid: ROOT_UUID }));
        const file = path.join(GOLDEN, id, `${scenario}.plan`);
        if (process.env.UPDATE_GOLDENS === '1') {
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, text);
        }
        if (!existsSync(file))
          throw new Error(
            `no golden ${path.relative(process.cwd(), file)}; write it with UPDATE_GOLDENS=1 and review it`,
          );
        expect(text).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
});
