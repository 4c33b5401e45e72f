import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { Action, Deferred, Unmirrored } from '../shared/engine/actions.js';
import type { RegionResult } from '../shared/engine/reconcile-region.js';
import type { RegionSnapshot } from '../shared/engine/region-scan.js';
import type { CloudVerdict } from '../shared/engine/verify.js';
import type { PolicyInfo } from '../shared/report/model.js';
import { clip, defuseJson } from '../shared/report/text.js';
import { type PlanCounts, planCounts } from './plan-view.js';
import type { RegionRun } from './region-run.js';
import { REGION_ID } from './regions.js';

/**
 * A saved plan (`plan --out FILE`, `plan --json`): what `apply FILE` applies, and the cloud and policy it was
 * computed from. `state` holds a fingerprint of every resource the plan read (ENIs, instances, sessions, the
 * policy's targets found gone), one short hash per field, so a refusal can say which resource moved and how.
 *
 * The file is input like any other: bounded and checked against a closed schema before it is read, and only ever
 * compared. `apply FILE` recomputes the plan from the cloud and the policy and applies the recomputed actions, and
 * only when they and the fingerprints equal the file's: the file can refuse a write, never cause one.
 */
export const PLAN_SCHEMA = 'automirror.plan';
export const PLAN_VERSION = 1;

/** A resource's fingerprint: field → the first 16 hex digits of the SHA-256 of its canonical JSON. */
export type Fingerprint = Readonly<Record<string, string>>;

export interface SavedRegion {
  readonly regionId: string;
  readonly actions: readonly Action[];
  /** For a reader: what the plan leaves unmirrored and puts off (not compared; the actions and state decide). */
  readonly unmirrored: readonly Unmirrored[];
  readonly deferred: readonly Deferred[];
  /** `eni/<id>`, `instance/<id>`, `session/<id>`, `gone-target/<label>` → fingerprint. */
  readonly state: Readonly<Record<string, Fingerprint>>;
  /** With plan --verify: the cloud's dry-run verdict on each action, by action id. */
  readonly verdicts?: Readonly<Record<string, CloudVerdict>>;
}

export interface SavedPlan {
  readonly schema: typeof PLAN_SCHEMA;
  readonly version: typeof PLAN_VERSION;
  readonly createdAt: string;
  /** The run id of the plan's ClientTokens: apply FILE sends its requests under it (the ones --verify checked). */
  readonly runId?: string;
  readonly accountId?: string;
  readonly policy: Pick<PolicyInfo, 'source' | 'revision'>;
  readonly summary: PlanCounts;
  readonly regions: readonly SavedRegion[];
}

/** Bigger than the plan of 20,000 sessions and their ENIs in each of a few regions; a file past it is refused unread. */
export const MAX_PLAN_BYTES = 64 * 1024 * 1024;

/** JSON with keys sorted at every level and undefined dropped: the same value always reads the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonical(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec)
      .filter((k) => rec[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(rec[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const hash = (v: unknown): string => createHash('sha256').update(canonical(v)).digest('hex').slice(0, 16);

function fingerprint(resource: object): Fingerprint {
  return Object.fromEntries(
    Object.entries(resource)
      .filter(([k, v]) => k !== 'id' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, hash(v)]),
  );
}

/** Every resource the region's plan was computed from, fingerprinted. */
export function stateOf(snap: RegionSnapshot): Record<string, Fingerprint> {
  const state: Record<string, Fingerprint> = {};
  for (const e of snap.enis) state[`eni/${e.id}`] = fingerprint(e);
  for (const i of snap.instances.values()) state[`instance/${i.id}`] = fingerprint(i);
  for (const s of snap.sessions) state[`session/${s.id}`] = fingerprint(s);
  for (const t of snap.goneTargets) state[`gone-target/${t}`] = {};
  return state;
}

/** A region's first pass (as planned) in the saved form. */
export function savedRegion(r: RegionResult, verdicts?: Readonly<Record<string, CloudVerdict>>): SavedRegion {
  const [pass] = r.passes;
  return { regionId: r.regionId, actions: pass.plan.actions, unmirrored: pass.plan.unmirrored, deferred: pass.plan.deferred, state: stateOf(pass.snapshot), ...(verdicts ? { verdicts } : {}) };
}

export interface SavedPlanInfo {
  readonly accountId?: string;
  readonly policy: PolicyInfo;
  readonly createdAt: Date;
  readonly runId?: string;
  /** Per region: each action's dry-run verdict (plan --verify). */
  readonly verdicts?: ReadonlyMap<string, Readonly<Record<string, CloudVerdict>>>;
}

export function savedPlan(views: readonly RegionRun[], info: SavedPlanInfo): SavedPlan {
  return {
    schema: PLAN_SCHEMA,
    version: PLAN_VERSION,
    createdAt: info.createdAt.toISOString(),
    ...(info.runId ? { runId: info.runId } : {}),
    ...(info.accountId ? { accountId: info.accountId } : {}),
    policy: { source: info.policy.source, revision: info.policy.revision },
    summary: planCounts(views),
    regions: views.map((v) => savedRegion(v.result, info.verdicts?.get(v.result.regionId))),
  };
}

/** The document as written: pretty JSON, inert when printed (shared/report/text.ts defuseJson). */
export const renderSavedPlan = (p: SavedPlan): string => defuseJson(`${JSON.stringify(p, null, 2)}\n`);

const count = { type: 'integer', minimum: 0, maximum: 10_000_000 } as const;
const boundedArray = { type: 'array', maxItems: 100_000, items: { type: 'object' } } as const;
const PLAN_DOCUMENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'version', 'createdAt', 'policy', 'summary', 'regions'],
  properties: {
    schema: { const: PLAN_SCHEMA },
    version: { const: PLAN_VERSION },
    createdAt: { type: 'string', maxLength: 40 },
    runId: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$' },
    accountId: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$' },
    policy: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'revision'],
      properties: { source: { type: 'string', maxLength: 4096 }, revision: { type: 'string', pattern: '^sha256:[0-9a-f]{12}$' } },
    },
    summary: {
      type: 'object',
      additionalProperties: false,
      required: ['create', 'update', 'replace', 'delete', 'unmirrored'],
      properties: { create: count, update: count, replace: count, delete: count, unmirrored: count },
    },
    regions: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['regionId', 'actions', 'unmirrored', 'deferred', 'state'],
        properties: {
          regionId: { type: 'string', maxLength: 64, pattern: REGION_ID.source },
          actions: boundedArray,
          unmirrored: boundedArray,
          deferred: boundedArray,
          verdicts: { type: 'object', maxProperties: 100_000, propertyNames: { maxLength: 64 }, additionalProperties: { type: 'object' } },
          state: {
            type: 'object',
            maxProperties: 1_000_000,
            propertyNames: { maxLength: 300 },
            additionalProperties: { type: 'object', maxProperties: 32, propertyNames: { maxLength: 64 }, additionalProperties: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
          },
        },
      },
    },
  },
} as const;

const matches = new Ajv({ allErrors: false, strict: true }).compile(PLAN_DOCUMENT_SCHEMA);

/** A saved plan read from `file`, or an error saying why it is not one (too big, not JSON, not the schema). */
export function readSavedPlan(file: string): SavedPlan {
  const size = statSync(file).size;
  if (size > MAX_PLAN_BYTES) throw new Error(`${file} is not a saved plan: ${size} bytes, past the ${MAX_PLAN_BYTES} a plan may have`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not a saved plan: ${(err as Error).message}`);
  }
  if (!matches(doc)) {
    const [e] = matches.errors ?? [];
    throw new Error(`${file} is not a saved plan of automirror (${PLAN_SCHEMA} v${PLAN_VERSION}): ${e?.instancePath || '/'} ${e?.message ?? 'does not match'}`);
  }
  const regions = (doc as SavedPlan).regions.map((r) => r.regionId);
  if (new Set(regions).size !== regions.length) throw new Error(`${file} is not a saved plan: it names a region twice`);
  return doc as SavedPlan;
}

/** At most this many changes are named in a refusal; the rest are counted. */
const NAMED = 10;

const kindAndId = (key: string): string => key.replace('/', ' ');

/** How the cloud moved since the plan: each resource added, removed or modified (with its fields). */
export function stateChanges(saved: SavedRegion['state'], now: SavedRegion['state']): string[] {
  const out: string[] = [];
  for (const key of Object.keys(now).sort()) {
    const was = saved[key];
    if (!was) out.push(`${kindAndId(key)} added`);
    else {
      const fields = [...new Set([...Object.keys(was), ...Object.keys(now[key])])].filter((f) => was[f] !== now[key][f]).sort();
      if (fields.length > 0) out.push(`${kindAndId(key)} modified (${fields.join(', ')})`);
    }
  }
  for (const key of Object.keys(saved).sort()) if (!now[key]) out.push(`${kindAndId(key)} removed`);
  return out;
}

/** How the plan computed now differs from the saved one, by action id ([] when they are the same, in order). */
export function actionChanges(saved: readonly unknown[], now: readonly Action[]): string[] {
  if (canonical(saved) === canonical(now)) return [];
  // The saved ids are the file's: bounded before they can reach a message.
  const idOf = (a: unknown) => clip(String((a as { id?: unknown }).id), 120);
  const was = new Map(saved.map((a) => [idOf(a), canonical(a)]));
  const is = new Map(now.map((a) => [a.id, canonical(a)]));
  const named = [
    ...[...is.keys()].filter((id) => !was.has(id)).map((id) => `action ${id} is new`),
    ...[...was.keys()].filter((id) => !is.has(id)).map((id) => `action ${id} is no longer planned`),
    ...[...is.keys()].filter((id) => was.has(id) && was.get(id) !== is.get(id)).map((id) => `action ${id} differs`),
  ];
  return named.length > 0 ? named : ['the actions are the same but not in the same order'];
}

/**
 * What stands between a saved region and the region as planned now: how the cloud moved, or else (the same cloud,
 * yet other actions: the file was edited, or the plan is computed differently now) how the actions differ.
 */
export function regionDrift(saved: SavedRegion, now: RegionResult): { readonly moved: string[]; readonly actions: string[] } {
  const [pass] = now.passes;
  const moved = stateChanges(saved.state, stateOf(pass.snapshot));
  return { moved, actions: moved.length > 0 ? [] : actionChanges(saved.actions, pass.plan.actions) };
}

/** Why `file` can't be applied as saved, given each region's drift (prefixed with its region), or nothing. */
export function driftRefusal(file: string, moved: readonly string[], actions: readonly string[]): string | undefined {
  const why = [
    ...(moved.length > 0 ? [`the cloud is not as ${file} found it: ${listChanges(moved)}`] : []),
    // Same policy revision and account (checked before), same cloud: what differs is the file, or how it is planned.
    ...(actions.length > 0
      ? [`${file}'s actions differ from the plan computed now from the same cloud and policy (edited, or planned by another version or ownership key): ${listChanges(actions)}`]
      : []),
  ];
  return why.length > 0 ? why.join('; ') : undefined;
}

/** One line naming the first changes and counting the others. */
export function listChanges(changes: readonly string[]): string {
  const named = changes.slice(0, NAMED).join('; ');
  return changes.length > NAMED ? `${named}; and ${changes.length - NAMED} more` : named;
}
