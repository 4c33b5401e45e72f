import type { EnsureSummary } from '../../shared/engine/summary.js';
import type { EventNote } from '../../shared/events/payload.js';

type Checked = { sessionId: string; outcome: string; response?: string };
type OnEventResult = { events?: EventNote[]; results?: Array<EnsureSummary & { regionId: string }>; sessions?: Checked[]; dropped?: string };

/** What one on-event invocation did, one line per ENI or session, in the words the engine gave. */
export function describeOnEvent(response: string): string[] {
  let r: OnEventResult;
  try {
    r = JSON.parse(response) as OnEventResult;
  } catch {
    return [`    (no JSON result: ${response.slice(0, 120)})`];
  }
  const lines: string[] = [];
  if (r.dropped) lines.push(`    dropped: ${r.dropped}`);
  for (const e of r.events ?? []) if (e.verdict !== 'reconcile' && e.verdict !== 'check-session') lines.push(`    ${e.type ?? 'event'} ${e.verdict}: ${e.why}`);
  // Sessions a VPC ActionTrail event named: automirror's own writes come back as `owned`.
  for (const c of r.sessions ?? [])
    lines.push(
      c.outcome === 'unapproved' ? `    ! session ${c.sessionId}: UNAPPROVED mirroring, alerted on the report topic (${c.response ?? 'reported'})` : `    session ${c.sessionId} checked: ${c.outcome}`,
    );
  for (const s of r.results ?? []) {
    lines.push(`    ${s.cause}`);
    for (const c of s.created) lines.push(`      + session ${c.sessionId} for ${c.eniId} (rule ${c.rule}, priority ${c.priority ?? '?'})`);
    for (const a of s.added) lines.push(`      + ${a.eniId} joined ${a.sessionId} (rule ${a.rule})`);
    for (const u of s.updated) lines.push(`      ~ ${u.sessionId}: ${u.changes.map((c) => `${c.field} ${String(c.actual)} → ${String(c.wanted)}`).join(', ')}`);
    for (const x of s.removed) lines.push(`      - ${x.eniId} left ${x.sessionId}: ${x.reason}`);
    for (const d of s.deleted) lines.push(`      - session ${d.sessionId} deleted: ${d.reason}`);
    for (const u of s.unchanged) lines.push(`      = ${u.eniId}: ${u.reason}`);
    for (const k of s.excluded) lines.push(`      · ${k.eniId} not mirrored: ${k.reason}`);
    for (const k of s.optedOut) lines.push(`      · ${k.eniId} opted out: ${k.reason}`);
    for (const k of s.overriddenOptOuts) lines.push(`      ! ${k.eniId} opt-out overridden: ${k.reason}`);
    for (const u of s.unmirrored) lines.push(`      ! ${u.eniId} unmirrored: ${u.reason}`);
    for (const d of s.deferred) lines.push(`      … ${d.eniIds.join(', ')} deferred: ${d.reason}`);
    for (const f of s.failed) lines.push(`      ✗ ${f.reason}: ${f.error}`);
  }
  return lines;
}
