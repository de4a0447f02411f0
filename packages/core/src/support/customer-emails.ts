// The e-mails support sends a customer, ready to copy: the move is
// scheduled, the move is done, the move had a problem. Each lists the
// customer's containers it concerns, times in the customer's zone, and
// says what the customer must know: how long the server is offline, that
// data and IP addresses stay, what happens next. No stage ids, VM names or
// error codes: those are for us.
import {
  downtimeMs,
  formatPlanTime,
  plannedSwitchOver,
  type ContainerFacts,
  type RunFacts,
  type SwitchOverPlan,
  withCurrentDowntime,
} from './container-state';
import { formatClockOrDateTime, formatDateTimeIn, formatDay, formatDuration, knownZone } from './zoned-time';

export interface EmailContainer {
  /** how the customer knows it: its hostname, or "CT 1003" */
  label: string;
  ips: string[];
  container: ContainerFacts;
  run: RunFacts | null;
}

export interface EmailInput {
  customerName: string;
  timeZone: string;
  containers: EmailContainer[];
  now: Date;
  /** the closing line's sender */
  signature?: string;
}

export interface EmailText {
  subject: string;
  body: string;
  /** the labels of the containers it lists */
  containers: string[];
}

export interface CustomerEmails {
  /** null when none of the containers has a switch-over ahead with a date */
  scheduled: EmailText | null;
  /** null when none is migrated */
  done: EmailText | null;
  /** null when no migration failed */
  problem: EmailText | null;
}

const DEFAULT_SIGNATURE = 'Your support team';
const MAX_IPS = 3;

export function customerEmails(input: EmailInput): CustomerEmails {
  const zone = knownZone(input.timeZone);
  const containers = input.containers.map((c) => ({ ...c, run: c.run && withCurrentDowntime(c.run) }));
  const scheduled = containers.flatMap((c) => {
    const plan = plannedSwitchOver({ container: c.container, run: c.run, timeZone: zone, now: input.now });
    return plan ? [{ c, plan }] : [];
  });
  const done = containers.filter((c) => c.run?.status === 'succeeded');
  const failed = containers.filter((c) => c.run?.status === 'failed');
  const mail = (subject: string, lines: string[], cs: EmailContainer[]): EmailText => ({
    subject,
    body: letter(input, lines),
    containers: cs.map((c) => c.label),
  });
  return {
    scheduled: scheduled.length
      ? mail(
          scheduledSubject(
            scheduled.map((s) => s.c),
            scheduled.map((s) => s.plan.start).sort((a, b) => a.getTime() - b.getTime())[0]!,
            zone,
          ),
          [
            `we are moving your ${plural(scheduled.length, 'server')} to our new cloud platform. During the move ${scheduled.length === 1 ? 'the server' : 'each server'} is offline for a few minutes; its data and IP addresses stay the same, and nothing needs to change on your side.`,
            `The move is planned for ${scheduled.length === 1 ? 'this time' : 'these times'} (${zone}):`,
            list(scheduled.map(({ c, plan }) => `${name(c)}: ${planInWords(plan, zone)}`)),
            'We will write to you again when the move is done. If this time does not suit you, reply to this e-mail and we will find another one.',
          ],
          scheduled.map((s) => s.c),
        )
      : null,
    done: done.length
      ? mail(
          done.length === 1
            ? `Your server ${done[0]!.label} has moved to our new platform`
            : `Your ${done.length} servers have moved to our new platform`,
          [
            `the move of your ${plural(done.length, 'server')} to our new cloud platform is done (times in ${zone}):`,
            list(done.map((c) => `${name(c)}: ${doneInWords(c.run!, zone)}`)),
            `${done.length === 1 ? 'Its' : 'Their'} data and IP addresses are the same as before. If anything does not work as it did, reply to this e-mail and we will look into it at once.`,
          ],
          done,
        )
      : null,
    problem: failed.length
      ? mail(
          failed.length === 1
            ? `The move of your server ${failed[0]!.label} did not complete`
            : `The move of ${failed.length} of your servers did not complete`,
          [
            `the move of your ${plural(failed.length, 'server')} to our new cloud platform did not complete (times in ${zone}):`,
            list(failed.map((c) => `${name(c)}: ${problemInWords(c.run!, zone)}`)),
            'Nothing was lost and nothing needs to change on your side. We will fix the cause and plan the move again, and write to you with the new time.',
          ],
          failed,
        )
      : null,
  };
}

function letter(input: EmailInput, paragraphs: string[]): string {
  return [
    `Dear ${input.customerName},`,
    ...paragraphs,
    `Kind regards,\n${input.signature?.trim() || DEFAULT_SIGNATURE}`,
  ].join('\n\n');
}

function scheduledSubject(cs: EmailContainer[], first: Date, zone: string): string {
  const day = formatDay(first, zone);
  return cs.length === 1
    ? `Your server ${cs[0]!.label} moves to our new platform on ${day}`
    : `Your ${cs.length} servers move to our new platform from ${day}`;
}

// the zone is named once, above the list
function planInWords(plan: SwitchOverPlan, zone: string): string {
  const time = formatPlanTime(plan, zone);
  return plan.end ? time : `from ${time}, for a few minutes once its copy is ready`;
}

function doneInWords(run: RunFacts, zone: string): string {
  const at = run.downtimeEndedAt ?? run.finishedAt;
  const down = downtimeMs(run);
  return [
    at ? `moved on ${formatDateTimeIn(at, zone)}` : 'moved',
    down !== null ? `offline for ${formatDuration(down)}` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

function problemInWords(run: RunFacts, zone: string): string {
  const at = run.finishedAt ? ` on ${formatDateTimeIn(run.finishedAt, zone)}` : '';
  if (!run.downtimeStartedAt)
    return `we stopped the move${at} before the server went offline; it kept running on the old platform without interruption`;
  if (!run.downtimeEndedAt) return `we stopped the move${at}; the server is being started again on the old platform`;
  const since = run.finishedAt
    ? formatClockOrDateTime(run.downtimeEndedAt, zone, run.finishedAt)
    : formatDateTimeIn(run.downtimeEndedAt, zone);
  return `we stopped the move${at}; the server runs on the old platform again since ${since} (it was offline for ${formatDuration(downtimeMs(run)!)})`;
}

function name(c: EmailContainer): string {
  if (c.ips.length === 0) return c.label;
  const more = c.ips.length > MAX_IPS ? ` and ${c.ips.length - MAX_IPS} more` : '';
  return `${c.label} (${c.ips.slice(0, MAX_IPS).join(', ')}${more})`;
}

function list(lines: string[]): string {
  return lines.map((l) => `- ${l}`).join('\n');
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
