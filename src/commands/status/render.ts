// The human-readable `status`: the quota, the refused endpoints, the queues, one table per system
// and the failed jobs. Every field from outside is escaped, so a system's name or an API answer
// can neither break a table nor reach the terminal as control characters.
import { QUEUE_NAMES } from '../../jobs/queue-names.js';
import { ago, fewIds, humanDuration, int, oneLine, table, utcMinute } from '../format.js';
import { terminalSafe } from '../terminal-text.js';
import type { StatusReport, SystemStatus } from './report.js';

/** Systems listed by name in one restriction line; the JSON output has them all. */
const RESTRICTED_SYSTEMS_SHOWN = 10;

function formatQuota(report: StatusReport): string {
  const q = report.quota;
  if ('unknown' in q) return `Quota: unknown (${q.unknown}).`;
  const of =
    q.budget === null
      ? '(no monthly cap)'
      : `of a budget of ${int(q.budget)} (${int(q.limit ?? 0)} − ${int(q.reserve)} reserve)`;
  const blocked =
    q.blocked && q.blockedUntil !== undefined
      ? `BLOCKED by a 429 until ${utcMinute(q.blockedUntil)}`
      : 'not blocked';
  return `Quota ${q.month} (${report.plan} plan): ${int(q.total)} requests used ${of}; ${blocked}.`;
}

/** One line per endpoint and status: which systems it was refused for, until when, why. */
function formatRestrictions(restricted: StatusReport['restrictedEndpoints']): string[] {
  const groups = new Map<string, StatusReport['restrictedEndpoints']>();
  for (const r of restricted) {
    const id = `${r.status} ${r.endpoint}`;
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const what = first.status === 401 || first.status === 403 ? 'Not in the plan' : 'Not available';
    const ids = group.filter((r) => r.systemId !== null).map((r) => String(r.systemId));
    const where =
      ids.length === 0
        ? 'for the API key'
        : `for ${ids.length} system${ids.length === 1 ? '' : 's'} (${fewIds(ids, RESTRICTED_SYSTEMS_SHOWN)})`;
    const until = Math.max(...group.map((r) => r.until));
    return `${what} (${first.status}): ${first.endpoint} ${where}, until ${utcMinute(until)}${first.reason ? `: ${oneLine(first.reason, 80)}` : ''}.`;
  });
}

function formatQueues(queues: StatusReport['queues']): string {
  return `Queues: ${QUEUE_NAMES.map((name) => {
    const c = queues[name];
    const waiting = (c.waiting ?? 0) + (c.prioritized ?? 0);
    return `${name} ${int(waiting)} waiting, ${int(c.active ?? 0)} active, ${int(c.delayed ?? 0)} delayed, ${int(c.failed ?? 0)} failed`;
  }).join(' | ')}.`;
}

/** A system's heading, its problem if it has one, and one row per dataset. */
function formatSystem(system: SystemStatus, now: number): string[] {
  const out: string[] = [];
  // Names come from the API as they were typed: control characters are shown, never obeyed.
  const label = system.name ? ` "${terminalSafe(system.name)}"` : '';
  out.push(
    terminalSafe(
      `System ${system.id}${label} (${system.timeZone ?? 'no time zone'})${system.status ? `, status ${system.status}` : ''}`,
    ),
  );
  const p = system.problem;
  if (p) {
    const what =
      p.kind === 'quarantined'
        ? 'QUARANTINED (its jobs fail at once; rechecked at every discovery)'
        : 'DISCOVERY FAILED (retried at the next discovery)';
    out.push(`  ${what} since ${utcMinute(p.since)}: ${oneLine(p.reason)}`);
  }
  const bad = system.implausible;
  if (bad) {
    const parts = Object.entries(bad.byDataset).map(
      ([dataset, reasons]) =>
        `${dataset}: ${Object.entries(reasons)
          .map(([reason, n]) => `${reason} ${n}`)
          .join(', ')}`,
    );
    out.push(
      `  IMPLAUSIBLE POINTS LEFT OUT: ${bad.total} since ${utcMinute(bad.since)}, last ${ago(bad.last, now)} (${parts.join('; ')})`,
    );
  }
  const rows = system.datasets.map((d) => {
    const notes: string[] = [];
    if (d.unavailable) {
      const until = d.unavailable.until !== undefined ? ` until ${utcMinute(d.unavailable.until)}` : '';
      notes.push(
        `${d.unavailable.active ? 'unavailable' : 'was unavailable'}${until}: ${oneLine(d.unavailable.reason, 80)}`,
      );
    }
    if (d.lastError) notes.push(`error ${ago(d.lastError.at, now)}: ${oneLine(d.lastError.message)}`);
    return [
      `  ${d.dataset}`,
      d.watermarkLocal ?? 'never loaded',
      d.lagSeconds === null ? '' : humanDuration(d.lagSeconds * 1000),
      d.lastSyncAt === null ? '' : ago(d.lastSyncAt, now),
      notes.join('; '),
    ];
  });
  out.push(
    ...table(['  dataset', 'watermark (local)', 'lag', 'last sync', 'last error / unavailable'], rows),
  );
  return out;
}

function formatFailedJobs(failedJobs: StatusReport['failedJobs']): string[] {
  if (failedJobs.length === 0) return [];
  const rows = failedJobs.map((j) => [
    `  ${j.queue}`,
    j.id ?? '',
    j.systemId === null ? '' : `system ${j.systemId}`,
    `${j.attempts} attempt${j.attempts === 1 ? '' : 's'}`,
    j.failedAt === null ? '' : utcMinute(j.failedAt),
    oneLine(j.reason),
  ]);
  return [
    '',
    'Failed jobs (dead letters, newest first):',
    ...table(['  queue', 'job', 'system', 'attempts', 'failed at', 'reason'], rows),
  ];
}

/** The human-readable report. */
export function formatStatus(report: StatusReport): string[] {
  const out = [
    formatQuota(report),
    ...formatRestrictions(report.restrictedEndpoints),
    formatQueues(report.queues),
    '',
  ];
  const { total, shown } = report.systems;
  if (total === 0)
    out.push(
      'No systems in the registry yet: discovery has not run (start the service, or `enphase-etl sync`).',
    );
  for (const system of shown) out.push(...formatSystem(system, report.now));
  if (shown.length < total) {
    out.push(
      `… ${int(total - shown.length)} more systems (the ${int(shown.length)} above need attention most): --system <id,…>, --limit N or --json.`,
    );
  }
  out.push(...formatFailedJobs(report.failedJobs));
  // The fields from outside are escaped above (so the tables line up); this catches the rest.
  return out.map(terminalSafe);
}
