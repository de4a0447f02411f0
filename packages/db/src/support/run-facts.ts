// A container's runs as support reads them: the run's own columns, its
// batch, and the CloudStack networks its VM landed on (from the deploy_vm
// attempt's result, named by the network mappings). core's support/ turns
// these facts into words.
import type { RunFacts } from '@vzferry/core';
import { z } from 'zod';
import type { Tx } from '../client';
import type { Prisma } from '../generated/client';

export const RUN_FACTS_SELECT = {
  id: true,
  status: true,
  currentStage: true,
  failedStage: true,
  errorCode: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  plannedWindowStart: true,
  plannedWindowEnd: true,
  downtimeStartedAt: true,
  downtimeEndedAt: true,
  cloudstackVmId: true,
  cloudstackVmName: true,
  cutoverPath: true,
  batch: { select: { id: true, name: true, status: true, startAt: true } },
  stageRuns: {
    where: { stage: 'deploy_vm', status: 'succeeded' },
    orderBy: { finishedAt: 'desc' },
    take: 1,
    select: { result: true },
  },
} as const satisfies Prisma.MigrationRunSelect;

type RunRow = Prisma.MigrationRunGetPayload<{ select: typeof RUN_FACTS_SELECT }>;

/** What support sees of a run: core's facts plus the ids the pages link with. */
export interface SupportRun extends RunFacts {
  id: string;
  cloudstackVmId: string | null;
  batch: RunFacts['batch'] & { id: string };
}

// what deploy_vm keeps as its result (packages/pipeline stages/deploy-vm.ts)
const deployResultSchema = z.object({ nics: z.array(z.object({ network: z.string() })) });

/** The runs with the names of their VMs' networks (one query for all of them). */
export async function toSupportRuns(tx: Tx, rows: RunRow[]): Promise<SupportRun[]> {
  const networkIds = new Map(rows.map((r) => [r.id, vmNetworkIds(r)]));
  const ids = [...new Set([...networkIds.values()].flat())];
  const mappings = ids.length
    ? await tx.networkMapping.findMany({
        where: { cloudstackNetworkId: { in: ids } },
        select: { cloudstackNetworkId: true, cloudstackNetworkName: true, name: true },
      })
    : [];
  const nameOf = (id: string) => {
    const m = mappings.find((n) => n.cloudstackNetworkId === id);
    return m ? (m.cloudstackNetworkName ?? m.name) : id;
  };
  return rows.map(({ stageRuns: _deploy, ...r }) => ({
    ...r,
    vmNetworks: [...new Set((networkIds.get(r.id) ?? []).map(nameOf))],
  }));
}

function vmNetworkIds(row: RunRow): string[] {
  const parsed = deployResultSchema.safeParse(row.stageRuns[0]?.result);
  return parsed.success ? parsed.data.nics.map((n) => n.network) : [];
}
