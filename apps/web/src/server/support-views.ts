// What support reads, put together once for the pages and the API: the rows
// packages/db reads, turned into words by core's support/ functions, with
// times in the customer's zone (UTC for a container without a customer).
import {
  customerEmails,
  describeContainerState,
  describeSource,
  runTimelineEntry,
  type ContainerFacts,
} from '@vzferry/core';
import { getContainerDetail, getCustomerView, type SupportRun } from '@vzferry/db';
import { server } from './context';

function timeline(runs: SupportRun[], timeZone: string, now: Date) {
  return runs.map((r) => ({
    ...runTimelineEntry(r, timeZone, now),
    runId: r.id,
    batch: { id: r.batch.id, name: r.batch.name },
    vm: r.cloudstackVmName ? { name: r.cloudstackVmName, id: r.cloudstackVmId, networks: r.vmNetworks } : null,
  }));
}

/** One customer: each container's state and timeline, the notes, the three e-mails. */
export async function customerSupportView(id: string, now = new Date()) {
  const c = await getCustomerView(server().db, id);
  const facts = (ct: (typeof c.containers)[number]): ContainerFacts => ({
    downtimeWindow: ct.downtimeWindow,
    vanishedAt: ct.vanishedAt,
  });
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    timezone: c.timezone,
    containers: c.containers.map((ct) => ({
      id: ct.id,
      sourceCtid: ct.sourceCtid,
      hostname: ct.hostname,
      hostName: ct.hostName,
      ips: ct.ips,
      downtimeWindow: ct.downtimeWindow,
      state: describeContainerState({ container: facts(ct), run: ct.runs[0] ?? null, timeZone: c.timezone, now }),
      timeline: timeline(ct.runs, c.timezone, now),
    })),
    notes: c.notes,
    emails: customerEmails({
      customerName: c.name,
      timeZone: c.timezone,
      now,
      containers: c.containers.map((ct) => ({
        label: ct.hostname ?? `CT ${ct.sourceCtid}`,
        ips: ct.ips,
        container: facts(ct),
        run: ct.runs[0] ?? null,
      })),
    }),
  };
}

export type CustomerSupportView = Awaited<ReturnType<typeof customerSupportView>>;

/** One container with its state, its source's state as the pipeline left it, and its runs as a timeline. */
export async function containerSupportView(id: string, now = new Date()) {
  const ct = await getContainerDetail(server().db, id);
  const timeZone = ct.customer?.timezone ?? 'UTC';
  const latest = ct.runs[0] ?? null;
  return {
    ...ct,
    state: describeContainerState({
      container: { downtimeWindow: ct.downtimeWindow, vanishedAt: ct.vanishedAt },
      run: latest,
      timeZone,
      now,
    }),
    source: describeSource(
      {
        status: ct.status,
        onboot: ct.onboot,
        lastSeenAt: ct.lastSeenAt,
        vanishedAt: ct.vanishedAt,
        hostName: ct.sourceHost.name,
      },
      latest,
      timeZone,
    ),
    timeline: timeline(ct.runs, timeZone, now),
  };
}

export type ContainerSupportView = Awaited<ReturnType<typeof containerSupportView>>;
