import { assembleReport, type CoverageEntry } from './assemble.js';
import type { RegionUsage, RuleUsage, Usage } from './cost.js';
import type { ChangeSinceLast, CollectorBreakdown, DriftItem, DriftReport, FailedEvent, ForgedClaim, PolicyInfo, ReportError, ReportMode, TemporaryMirror, UnapprovedSession } from './model.js';

export interface ReportStart {
  readonly mode: ReportMode;
  readonly policy: PolicyInfo;
  /** Regions in scope; regions named by items and coverage are added to them. */
  readonly regions?: readonly string[];
  readonly accountId?: string;
  /** Defaults to when the builder is made. */
  readonly startedAt?: Date | string;
  /** The checkpoint this invocation resumes a longer scan from. */
  readonly continuedFrom?: string;
  /** The clock, for tests. */
  readonly now?: () => Date;
}

export interface ReportEnd {
  /** The checkpoint where this invocation stopped and handed the rest of its scope to a follow-up invocation. */
  readonly handedOff?: string;
  /** The scan stopped before the end of its scope without a hand-off (e.g. listing ENIs failed). */
  readonly truncated?: boolean;
  readonly finishedAt?: Date | string;
}

const iso = (t: Date | string) => new Date(t).toISOString();

/**
 * Fills a report as a run learns things, in any order, and counts the totals itself on `finish()`. Adding a
 * resource again replaces its earlier entry: an ENI proposed, then applied, then found mirrored ends up once.
 */
export class ReportBuilder {
  private readonly items: DriftItem[] = [];
  private readonly coverage: CoverageEntry[] = [];
  private readonly failedEvents: FailedEvent[] = [];
  private readonly errors: ReportError[] = [];
  private readonly unapproved: UnapprovedSession[] = [];
  private readonly approved: Array<{ regionId: string; count: number }> = [];
  private readonly forgedClaims: ForgedClaim[] = [];
  private readonly temporary: TemporaryMirror[] = [];
  private readonly ruleSessions: RuleUsage[] = [];
  private readonly regionSources: RegionUsage[] = [];
  private readonly collectors: CollectorBreakdown[] = [];
  private apiCalls?: number;
  private change?: ChangeSinceLast;
  private readonly now: () => Date;
  private readonly startedAt: string;

  constructor(private readonly start: ReportStart) {
    this.now = start.now ?? (() => new Date());
    this.startedAt = iso(start.startedAt ?? this.now());
  }

  /** Report mode never changes the cloud, so an item claiming otherwise is a bug in the caller. */
  addItem(item: DriftItem): this {
    if (this.start.mode === 'report' && (item.action.status === 'applied' || item.action.status === 'failed')) {
      throw new Error(`report mode proposes changes only: ${item.kind} ${item.id} can't be ${item.action.status}`);
    }
    this.items.push(item);
    return this;
  }

  addCoverage(entry: CoverageEntry): this {
    this.coverage.push(entry);
    return this;
  }

  addFailedEvent(event: FailedEvent): this {
    this.failedEvents.push(event);
    return this;
  }

  /** Report mode never writes, so it can't have disabled a session (or failed to). */
  addUnapproved(session: UnapprovedSession): this {
    if (this.start.mode === 'report' && (session.response === 'disabled' || session.response === 'failed')) {
      throw new Error(`report mode writes nothing: session ${session.sessionId} can't be ${session.response}`);
    }
    this.unapproved.push(session);
    return this;
  }

  /** How many sessions automirror does not own go to approved collectors in a region. */
  countApproved(regionId: string, count: number): this {
    this.approved.push({ regionId, count });
    return this;
  }

  addError(error: ReportError): this {
    this.errors.push(error);
    return this;
  }

  addForgedClaim(claim: ForgedClaim): this {
    this.forgedClaims.push(claim);
    return this;
  }

  addTemporary(t: TemporaryMirror): this {
    this.temporary.push(t);
    return this;
  }

  /** The change since the previous run on record (shared/report/history.ts). */
  setChange(change: ChangeSinceLast): this {
    this.change = change;
    return this;
  }

  /**
   * A region's breakdown at the end of its run: automirror's sessions and their sources per rule (every rule of the
   * policy) and in all (cost.ts usageOf), its collectors.
   */
  addBreakdown(regionId: string, usage: { readonly perRule: ReadonlyMap<string, Usage>; readonly total: Usage }, collectors: readonly CollectorBreakdown[]): this {
    for (const rule of new Set([...this.start.policy.rules, ...usage.perRule.keys()])) this.ruleSessions.push({ regionId, rule, ...(usage.perRule.get(rule) ?? { sessions: 0, sources: 0 }) });
    this.regionSources.push({ regionId, ...usage.total });
    this.collectors.push(...collectors);
    return this;
  }

  countApiCalls(n = 1): this {
    this.apiCalls = (this.apiCalls ?? 0) + n;
    return this;
  }

  /** The document as it stands; the builder can go on and finish again. */
  finish(end: ReportEnd = {}): DriftReport {
    const { start } = this;
    const finishedAt = iso(end.finishedAt ?? this.now());
    const report = assembleReport(
      {
        generatedAt: finishedAt,
        ...(start.accountId !== undefined ? { accountId: start.accountId } : {}),
        regions: start.regions ?? [],
        mode: start.mode,
        policy: start.policy,
        run: {
          startedAt: this.startedAt,
          finishedAt,
          truncated: end.truncated ?? false,
          continuedFrom: start.continuedFrom ? [start.continuedFrom] : [],
          handedOff: end.handedOff ? [end.handedOff] : [],
          parts: 1,
          ...(this.apiCalls !== undefined ? { apiCalls: this.apiCalls } : {}),
        },
      },
      {
        items: this.items,
        coverage: this.coverage,
        failedEvents: this.failedEvents,
        errors: this.errors,
        unapproved: this.unapproved,
        approved: this.approved,
        forgedClaims: this.forgedClaims,
        temporary: this.temporary,
        ...(this.ruleSessions.length || this.collectors.length ? { ruleSessions: this.ruleSessions, regionUsage: this.regionSources, collectors: this.collectors } : {}),
      },
    );
    return this.change ? { ...report, change: this.change } : report;
  }
}
