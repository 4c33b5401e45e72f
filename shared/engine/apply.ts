import { createHash } from 'node:crypto';
import type { CloudError } from '../cloud/errors.js';
import type { MirrorSessions } from '../cloud/vpc.js';
import { LIMITS, type PriorityBand, type Session, type SessionDraft } from '../domain.js';
import type { Action, AddSourcesAction, CreateAction, DeleteAction, Outcome, RemoveSourcesAction, ReplaceAction, ResignAction, UpdateAction } from './actions.js';
import { type Clock, systemClock } from './clock.js';
import { execute, type Task } from './executor.js';
import { kindOf } from './kinds.js';
import { isOwned, mirrors } from './ownership.js';
import { awaitsProof, expectedOfDraft } from './pending-claim.js';
import { priorityCandidates } from './priority.js';
import { outcomeOfError, refusal, refusedOutcome } from './result.js';
import { DEFAULT_SETTLE, proofSettled, type SettleOptions, settled } from './settle.js';

export interface ApplyOptions {
  /** Names the run in ClientTokens: a retried call within the run is a no-op, a later run is a new request. */
  readonly runId: string;
  readonly clock?: Clock;
  /**
   * Actions in flight at once per lane (default 8): an action waits in the lane of the operation it starts with
   * (kinds.ts), so creates held to their rate never hold up updates or deletes. Actions on one session always run
   * one after another.
   */
  readonly concurrency?: number;
  /** Epoch ms: no action starts after it; those left come back deferred. */
  readonly deadline?: number;
  readonly settle?: SettleOptions;
  /** The sessions as read: a change to one that was not Created waits for it first. */
  readonly observed?: readonly Session[];
  /** Told each action's outcome as it is known (one not started, when the others are done): a progress display. */
  readonly onOutcome?: (outcome: Outcome) => void;
}

/** A ClientToken derived from the run and the exact request, so a retry never duplicates and a new request is new. */
export function clientToken(runId: string, op: string, request: unknown): string {
  return createHash('sha256')
    .update(`${runId}\u0000${op}\u0000${JSON.stringify(request)}`)
    .digest('hex')
    .slice(0, 48);
}

/** Priorities one action tries before it reports the band as full (each try costs a write and a read). */
const MAX_PROBES = 64;

const noPriority = (a: CreateAction | ReplaceAction | UpdateAction, what: string): Outcome => ({
  action: a,
  status: 'blocked',
  reason: `no free priority ${what} in rule ${a.rule}'s band ${a.band.min}–${a.band.max} (tried ${Math.min(MAX_PROBES, a.band.max - a.band.min + 1)}); a wider band helps`,
});

const sessionOf = (a: Action): string | undefined => ('sessionId' in a ? a.sessionId : undefined);
const ok = (o: Outcome): boolean => o.status === 'done' || o.status === 'converged';

/**
 * Executes a plan's actions through the VPC adapter: one lane per operation, each with bounded concurrency and
 * draining at that operation's (adaptive) rate, so a mixed plan takes as long as its slowest operation rather than
 * their sum; one change in flight per session (each waits for the previous to settle), prerequisites first (a
 * delete that frees a slot before the create that needs it, whatever their lanes), nothing new after the deadline.
 * A failure is reported in its outcome and stops only the actions that wait for it.
 */
export async function apply(actions: readonly Action[], vpc: MirrorSessions, opts: ApplyOptions): Promise<Outcome[]> {
  const run = new Run(vpc, opts);
  const told = (o: Outcome): Outcome => {
    opts.onOutcome?.(o);
    return o;
  };
  const last = new Map<string, string>();
  const mustSettle = new Set<string>();
  const tasks: Task<Outcome>[] = actions.map((action) => {
    const after = [...(action.after ?? [])];
    const sid = sessionOf(action);
    const previous = sid ? last.get(sid) : undefined;
    if (previous) after.push(previous);
    if (sid) last.set(sid, action.id);
    for (const a of after) mustSettle.add(a);
    return { id: action.id, after, lane: kindOf(action).lane(action), run: () => run.one(action, mustSettle.has(action.id)).then(told) };
  });
  const results = await execute(tasks, { concurrency: opts.concurrency ?? 8, clock: run.clock, deadline: opts.deadline }, ok);
  return results.map((r, i) => ('result' in r ? r.result : told({ action: actions[i], status: 'deferred', reason: r.notStarted })));
}

class Run {
  readonly clock: Clock;
  private readonly unsettled: Set<string>;

  constructor(
    private readonly vpc: MirrorSessions,
    private readonly opts: ApplyOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.unsettled = new Set((opts.observed ?? []).filter((s) => s.status !== 'Created').map((s) => s.id));
  }

  /**
   * One action: first waits for its session if it was seen busy; afterwards, when others wait for it, until the
   * change has settled. Neither wait outlasts the deadline (what waits for it then does not start).
   */
  async one(action: Action, settleAfter: boolean): Promise<Outcome> {
    try {
      const sid = sessionOf(action);
      if (sid && this.unsettled.delete(sid) && !(await this.settle(sid, this.opts.deadline)).settled) {
        return { action, status: 'deferred', reason: `${sid} was still busy at the deadline` };
      }
      const outcome = await this.perform(action);
      if (settleAfter && ok(outcome) && 'sessionId' in outcome) await this.settle(outcome.sessionId, this.opts.deadline);
      return outcome;
    } catch (err) {
      return outcomeOfError(action, err);
    }
  }

  private perform(a: Action): Promise<Outcome> {
    switch (a.kind) {
      case 'create':
        return this.create(a);
      case 'replace':
        return this.replace(a);
      case 'add-sources':
        return this.addSources(a);
      case 'remove-sources':
        return this.removeSources(a, a.eniIds);
      case 'update':
        return this.update(a);
      case 'delete':
        return this.delete(a);
      case 're-sign':
        return this.resign(a);
    }
  }

  private settle(sessionId: string, deadline?: number): Promise<{ settled: boolean }> {
    return settled(this.vpc, sessionId, this.clock, this.opts.settle ?? DEFAULT_SETTLE, deadline);
  }

  private token(op: string, request: unknown): string {
    return clientToken(this.opts.runId, op, request);
  }

  /**
   * Tries `write` at each priority of the band from `first` on, at most MAX_PROBES of them (an event-scoped plan
   * knows only the priorities of the sessions it read; a region-wide plan sees them all and starts at a free one). The cloud's one-priority-per-region rule is the
   * arbiter: after a refusal the truth is re-read (who holds that priority), never guessed from the error code.
   * `onHeld` decides when someone holds it (undefined: probe on); a refusal while nobody holds it goes to `otherwise`.
   */
  private async probe(
    band: PriorityBand,
    first: number,
    write: (priority: number) => Promise<Outcome>,
    onHeld: (holders: Session[], priority: number) => Promise<Outcome | undefined> | Outcome | undefined,
    otherwise: (e: CloudError) => Promise<Outcome>,
  ): Promise<Outcome | undefined> {
    let probes = 0;
    for (const priority of priorityCandidates(band, first)) {
      if (++probes > MAX_PROBES) break;
      try {
        return await write(priority);
      } catch (err) {
        const e = refusal(err);
        const holders = await this.vpc.list({ priority });
        if (holders.length === 0) return otherwise(e);
        const decided = await onHeld(holders, priority);
        if (decided) return decided;
      }
    }
    return undefined;
  }

  private async create(a: CreateAction | ReplaceAction): Promise<Outcome> {
    const d = a.draft;
    const outcome = await this.probe(
      a.band,
      d.priority,
      async (priority) => {
        const request: SessionDraft = { ...d, priority };
        return { action: a, status: 'done', sessionId: await this.vpc.create(request, this.token('create', request)), priority };
      },
      async (holders, priority) => {
        // A holder claiming this very placement, its proof not written yet: another invocation's create, given a moment.
        const expected = expectedOfDraft(a.rule, d, a.band);
        const pending = holders.find((s) => awaitsProof(s, expected));
        const settled = pending && (await proofSettled(this.vpc, pending, this.clock, this.opts.deadline));
        const same = [...holders.filter((s) => s !== pending), ...(settled ? [settled] : [])].find((s) => mirrors(s, a.rule, d.sourceIds));
        if (same) return { action: a, status: 'converged', sessionId: same.id, detail: `${same.id} (priority ${priority}) already mirrors ${d.sourceIds.join(', ')} under rule ${a.rule}` };
        return settled && awaitsProof(settled, expected)
          ? { action: a, status: 'deferred', reason: `${settled.id} (priority ${priority}) claims rule ${a.rule} for ${d.sourceIds.join(', ')} and awaits its proof` }
          : undefined;
      },
      (e) => this.diagnose(a, a.rule, d.sourceIds, e),
    );
    if (outcome?.status === 'done') await this.proveNew(outcome.sessionId, d.tags);
    return outcome ?? noPriority(a, 'for a new session');
  }

  /**
   * The proof binds the session id, so it is written once Create has given one (outside the probe: a proof refused
   * must not read as a priority taken). When it can't be written, even after the call policy's retries, and the
   * session is not proven meanwhile (a duplicate delivery with the same ClientToken shares it), it is deleted
   * again, best effort, and the action fails (retried as any write is): a session automirror
   * can never prove would otherwise stay behind as a claim it may not touch. One left so anyway (the delete failed
   * too, or the process died between the calls) reads as a claim without proof: reported, never adopted silently.
   */
  private async proveNew(sessionId: string, tags: SessionDraft['tags']): Promise<void> {
    try {
      await this.vpc.prove(sessionId, tags);
    } catch (err) {
      const [s] = await this.vpc.list({ sessionIds: [sessionId] }).catch(() => []);
      if (s && isOwned(s)) return;
      // A session still Creating can't be deleted yet: wait it out (within the deadline) first.
      await this.settle(sessionId, this.opts.deadline)
        .then(() => this.deleteSession(sessionId))
        .catch(() => undefined);
      throw err;
    }
  }

  private async resign(a: ResignAction): Promise<Outcome> {
    await this.vpc.prove(a.sessionId, a.tags);
    return { action: a, status: 'done', sessionId: a.sessionId };
  }

  /** The new session first (no gap), unless the ENI has no free slot: then the old one goes first. */
  private async replace(a: ReplaceAction): Promise<Outcome> {
    const old = { action: a, sessionId: a.sessionId };
    if (a.breakFirst) {
      // Once the old session is going, the new one must follow whatever the deadline: the ENI is unmirrored meanwhile.
      await this.deleteSession(old.sessionId);
      await this.settle(old.sessionId);
      return this.create(a);
    }
    const created = await this.create(a);
    if (ok(created)) await this.deleteSession(old.sessionId);
    return created;
  }

  private async addSources(a: AddSourcesAction): Promise<Outcome> {
    try {
      await this.vpc.addSources(a.sessionId, a.eniIds, this.token('add', [a.sessionId, a.eniIds]));
      return { action: a, status: 'done', sessionId: a.sessionId };
    } catch (err) {
      const e = refusal(err);
      return this.diagnose(a, a.rule, a.eniIds, e);
    }
  }

  /**
   * After a refusal to place `sources` under `rule`: already placed (by another invocation) is success; an ENI
   * whose 3 session slots filled up meanwhile is blocked, with the sessions in the way; anything else failed.
   */
  private async diagnose(a: Action, rule: string, sources: readonly string[], e: CloudError): Promise<Outcome> {
    const on = await Promise.all(sources.map((src) => this.vpc.list({ sourceId: src })));
    const holder = on[0].find((s) => mirrors(s, rule, sources));
    if (holder) return { action: a, status: 'converged', sessionId: holder.id, detail: `${holder.id} already mirrors ${sources.join(', ')} under rule ${rule}` };
    const full = sources.findIndex((_, i) => on[i].length >= LIMITS.sessionsPerEni);
    if (full >= 0) {
      return { action: a, status: 'blocked', reason: `${sources[full]} is already a source of ${on[full].length} sessions (${on[full].map((s) => s.id).join(', ')}), the limit per ENI` };
    }
    return refusedOutcome(a, e);
  }

  /** Removes what is still there; sources already gone from the session (or the session itself) count as done. */
  private async removeSources(a: RemoveSourcesAction, sources: readonly string[], again = true): Promise<Outcome> {
    try {
      await this.vpc.removeSources(a.sessionId, sources, this.token('remove', [a.sessionId, sources]));
      return { action: a, status: 'done', sessionId: a.sessionId };
    } catch (err) {
      const e = refusal(err);
      const [s] = await this.vpc.list({ sessionIds: [a.sessionId] });
      const left = s ? sources.filter((x) => s.sourceIds.includes(x)) : [];
      if (left.length === 0) return { action: a, status: 'converged', sessionId: a.sessionId, detail: s ? 'the sources had already left' : 'the session is gone' };
      if (again && left.length < sources.length) return this.removeSources(a, left, false);
      return refusedOutcome(a, e);
    }
  }

  private async update(a: UpdateAction): Promise<Outcome> {
    const write = async (priority?: number): Promise<Outcome> => {
      const set = priority === undefined ? a.set : { ...a.set, priority };
      await this.vpc.update(a.sessionId, set, this.token('update', [a.sessionId, set]));
      return { action: a, status: 'done', sessionId: a.sessionId, priority };
    };
    const refused = async (e: CloudError): Promise<Outcome> => {
      const [s] = await this.vpc.list({ sessionIds: [a.sessionId] });
      return refusedOutcome(a, e, s ? e.message : `${a.sessionId} no longer exists`);
    };
    if (a.set.priority === undefined) {
      try {
        return await write();
      } catch (err) {
        const e = refusal(err);
        return refused(e);
      }
    }
    const outcome = await this.probe(
      a.band,
      a.set.priority,
      write,
      (holders) => (holders.some((s) => s.id === a.sessionId) ? { action: a, status: 'converged', sessionId: a.sessionId, detail: 'already at that priority' } : undefined),
      refused,
    );
    return outcome ?? noPriority(a, `to move ${a.sessionId} into`);
  }

  private async delete(a: DeleteAction): Promise<Outcome> {
    const gone = await this.deleteSession(a.sessionId);
    return gone ? { action: a, status: 'converged', sessionId: a.sessionId, detail: 'already deleted' } : { action: a, status: 'done', sessionId: a.sessionId };
  }

  /** Deletes; true when it was already gone or going (re-read after a refusal, whatever the code said). */
  private async deleteSession(sessionId: string): Promise<boolean> {
    try {
      await this.vpc.delete(sessionId, this.token('delete', sessionId));
      return false;
    } catch (err) {
      const e = refusal(err);
      const [s] = await this.vpc.list({ sessionIds: [sessionId] });
      if (!s || s.status === 'Deleting') return true;
      throw e;
    }
  }
}
