import { isOwned } from '../engine/ownership.js';
import type { UnapprovedFinding } from '../engine/respond-unapproved.js';
import type { ForeignSessions, UnapprovedSession } from './model.js';
import { plural } from './present.js';

/**
 * Unapproved mirroring as the report holds and shows it: the entry for an engine finding, and the table's plain-text
 * cells every rendering shares (each rendering escapes them its own way).
 */

/** Longest caller text kept from an event; the renderers clip and escape again. */
const BY_CHARS = 200;

export function unapprovedEntry(f: UnapprovedFinding): UnapprovedSession {
  const s = f.session;
  const p = f.provenance;
  return {
    sessionId: s.id,
    regionId: f.regionId,
    ...(s.name ? { name: s.name } : {}),
    sourceIds: [...s.sourceIds],
    target: { kind: s.target.kind, id: s.target.id },
    enabled: s.enabled,
    ...(s.createdAt ? { createdAt: s.createdAt } : {}),
    ...(p ? { call: p.call, ...(p.by ? { by: p.by.slice(0, BY_CHARS) } : {}), ...(p.at ? { at: p.at } : {}) } : {}),
    response: f.response,
    ...(isOwned(s) ? { tampered: true } : {}),
    ...(f.error ? { error: f.error } : {}),
  };
}

export const UNAPPROVED_HEAD = ['Session', 'Region', 'Sources', 'Target', 'Who / when', 'Response'] as const;

/** One row of plain text per session, in UNAPPROVED_HEAD's order. */
export function unapprovedCells(u: UnapprovedSession): string[] {
  const who = [u.by, u.call, u.at ?? u.createdAt].filter(Boolean).join(' · ') || 'unknown';
  const said = u.error ? `${u.response}: ${u.error}` : u.response;
  const response = u.tampered ? `automirror's own session, redirected: ${said} (the engine puts its target back)` : said;
  return [u.name ? `${u.sessionId} (${u.name})` : u.sessionId, u.regionId, u.sourceIds.join(', '), `${u.target.kind} ${u.target.id}`, who, response];
}

/** The line under the heading: how many, how many still mirroring, and the approved sessions that are not ours. */
export function unapprovedSummary(f: ForeignSessions): string {
  const approved = Object.values(f.approved).reduce((n, c) => n + c, 0);
  const live = f.unapproved.filter((u) => u.enabled && u.response !== 'disabled').length;
  const head = f.unapproved.length ? `${plural(f.unapproved.length, 'unapproved session')} (${live} still mirroring)` : 'No unapproved mirroring';
  return `${head}; ${plural(approved, 'session')} toward approved collectors, not automirror's`;
}
