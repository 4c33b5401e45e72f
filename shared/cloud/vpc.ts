import { AddSourcesToTrafficMirrorSessionRequest } from '@alicloud/vpc20160428/dist/models/AddSourcesToTrafficMirrorSessionRequest';
import { AddSourcesToTrafficMirrorSessionResponse } from '@alicloud/vpc20160428/dist/models/AddSourcesToTrafficMirrorSessionResponse';
import { CreateTrafficMirrorSessionRequest, CreateTrafficMirrorSessionRequestTag } from '@alicloud/vpc20160428/dist/models/CreateTrafficMirrorSessionRequest';
import { CreateTrafficMirrorSessionResponse } from '@alicloud/vpc20160428/dist/models/CreateTrafficMirrorSessionResponse';
import { DeleteTrafficMirrorSessionRequest } from '@alicloud/vpc20160428/dist/models/DeleteTrafficMirrorSessionRequest';
import { DeleteTrafficMirrorSessionResponse } from '@alicloud/vpc20160428/dist/models/DeleteTrafficMirrorSessionResponse';
import { ListTrafficMirrorSessionsRequest, ListTrafficMirrorSessionsRequestTags } from '@alicloud/vpc20160428/dist/models/ListTrafficMirrorSessionsRequest';
import { ListTrafficMirrorSessionsResponse } from '@alicloud/vpc20160428/dist/models/ListTrafficMirrorSessionsResponse';
import type { ListTrafficMirrorSessionsResponseBodyTrafficMirrorSessions } from '@alicloud/vpc20160428/dist/models/ListTrafficMirrorSessionsResponseBody';
import { RemoveSourcesFromTrafficMirrorSessionRequest } from '@alicloud/vpc20160428/dist/models/RemoveSourcesFromTrafficMirrorSessionRequest';
import { RemoveSourcesFromTrafficMirrorSessionResponse } from '@alicloud/vpc20160428/dist/models/RemoveSourcesFromTrafficMirrorSessionResponse';
import { TagResourcesRequest, TagResourcesRequestTag } from '@alicloud/vpc20160428/dist/models/TagResourcesRequest';
import { TagResourcesResponse } from '@alicloud/vpc20160428/dist/models/TagResourcesResponse';
import { UpdateTrafficMirrorSessionAttributeRequest } from '@alicloud/vpc20160428/dist/models/UpdateTrafficMirrorSessionAttributeRequest';
import { UpdateTrafficMirrorSessionAttributeResponse } from '@alicloud/vpc20160428/dist/models/UpdateTrafficMirrorSessionAttributeResponse';
import type { Session, SessionChanges, SessionDraft, SessionStatus, Tags } from '../domain.js';
import { PROOF_TAG } from '../engine/ownership.js';
import type { CloudConfig } from './config.js';
import { cloudCall, configurationError } from './errors.js';
import { type OwnershipContext, proofOf, verifyOwnership } from './ownership-proof.js';
import { PopClient, VPC } from './pop-client.js';

export interface SessionQuery {
  sourceId?: string;
  targetId?: string;
  sessionIds?: readonly string[];
  tags?: Tags;
  priority?: number;
}

/** `dryRun`: the cloud runs every check of the write and answers DryRunOperation instead of making it. */
export interface WriteOptions {
  readonly dryRun?: boolean;
}

/**
 * Traffic mirror sessions in one region, each read with its ownership verified. Every write takes a ClientToken so
 * a retry is a no-op (TagResources takes none: writing the same proof again is a no-op by itself).
 */
export interface MirrorSessions {
  list(query: SessionQuery): Promise<Session[]>;
  /** Refused (a configuration error, before any call) when no key can prove the session afterwards. */
  create(draft: SessionDraft, clientToken: string, opts?: WriteOptions): Promise<string>;
  /** Writes the proof tag binding `sessionId` to its rule and instance tags (`tags`), under the signing key. */
  prove(sessionId: string, tags: Tags): Promise<void>;
  /** Writes automirror's claim tags (`tags`) and the proof binding them in one TagResources: a session taken over. */
  claim(sessionId: string, tags: Tags): Promise<void>;
  update(sessionId: string, changes: SessionChanges, clientToken: string, opts?: WriteOptions): Promise<void>;
  addSources(sessionId: string, sourceIds: readonly string[], clientToken: string, opts?: WriteOptions): Promise<void>;
  removeSources(sessionId: string, sourceIds: readonly string[], clientToken: string, opts?: WriteOptions): Promise<void>;
  delete(sessionId: string, clientToken: string): Promise<void>;
}

const PAGE = 100;
const MAX_SESSION_IDS = 100;

/** Milliseconds since the cloud's CreationTime (ISO 8601), or undefined when it gave none it can be read from. */
const ageOf = (creationTime: string | undefined): number | undefined => {
  const t = creationTime ? Date.parse(creationTime) : Number.NaN;
  return Number.isNaN(t) ? undefined : Date.now() - t;
};

export class VpcMirrorApi implements MirrorSessions {
  private readonly pop: PopClient;
  private readonly ownership: OwnershipContext;

  constructor(private readonly cfg: CloudConfig) {
    this.pop = new PopClient(VPC, cfg);
    this.ownership = cfg.ownership ?? {};
  }

  async list(query: SessionQuery): Promise<Session[]> {
    if (query.sessionIds && query.sessionIds.length > MAX_SESSION_IDS) {
      const out: Session[] = [];
      for (let i = 0; i < query.sessionIds.length; i += MAX_SESSION_IDS) {
        out.push(...(await this.list({ ...query, sessionIds: query.sessionIds.slice(i, i + MAX_SESSION_IDS) })));
      }
      return out;
    }
    const out: Session[] = [];
    let nextToken: string | undefined;
    do {
      const req = new ListTrafficMirrorSessionsRequest({
        regionId: this.cfg.regionId,
        trafficMirrorSourceId: query.sourceId,
        trafficMirrorTargetId: query.targetId,
        trafficMirrorSessionIds: query.sessionIds ? [...query.sessionIds] : undefined,
        priority: query.priority,
        tags: query.tags ? Object.entries(query.tags).map(([key, value]) => new ListTrafficMirrorSessionsRequestTags({ key, value })) : undefined,
        maxResults: PAGE,
        nextToken,
      });
      const res = await cloudCall(() => this.pop.call('ListTrafficMirrorSessions', req, new ListTrafficMirrorSessionsResponse({})));
      for (const s of res.body?.trafficMirrorSessions ?? []) out.push(this.toSession(s));
      nextToken = res.body?.nextToken || undefined;
    } while (nextToken);
    return out;
  }

  async create(d: SessionDraft, clientToken: string, opts: WriteOptions = {}): Promise<string> {
    // A dry run creates nothing that would need a proof.
    if (!opts.dryRun) this.signing();
    const req = new CreateTrafficMirrorSessionRequest({
      regionId: this.cfg.regionId,
      dryRun: opts.dryRun,
      clientToken,
      trafficMirrorSessionName: d.name,
      trafficMirrorSessionDescription: d.description,
      trafficMirrorSourceIds: [...d.sourceIds],
      trafficMirrorTargetId: d.target.id,
      trafficMirrorTargetType: d.target.kind,
      trafficMirrorFilterId: d.filterId,
      priority: d.priority,
      virtualNetworkId: d.vni,
      packetLength: d.packetLength,
      enabled: d.enabled,
      // Claimed at birth (the proof, which binds the id, follows with prove()): until then it reads as `pending`.
      tag: Object.entries(d.tags).map(([key, value]) => new CreateTrafficMirrorSessionRequestTag({ key, value })),
    });
    const res = await cloudCall(() => this.pop.call('CreateTrafficMirrorSession', req, new CreateTrafficMirrorSessionResponse({})));
    return res.body?.trafficMirrorSessionId ?? '';
  }

  async prove(sessionId: string, tags: Tags): Promise<void> {
    await this.tag(sessionId, { [PROOF_TAG]: this.proof(sessionId, tags) });
  }

  async claim(sessionId: string, tags: Tags): Promise<void> {
    await this.tag(sessionId, { ...tags, [PROOF_TAG]: this.proof(sessionId, tags) });
  }

  private proof(sessionId: string, tags: Tags): string {
    const { keys, accountId } = this.signing();
    return proofOf(keys, { accountId, regionId: this.cfg.regionId, sessionId, tags });
  }

  private async tag(sessionId: string, tags: Tags): Promise<void> {
    const tag = Object.entries(tags).map(([key, value]) => new TagResourcesRequestTag({ key, value }));
    const req = new TagResourcesRequest({ regionId: this.cfg.regionId, resourceType: 'TRAFFICMIRRORSESSION', resourceId: [sessionId], tag });
    await cloudCall(() => this.pop.call('TagResources', req, new TagResourcesResponse({})));
  }

  /** The key and account a proof needs; without them nothing is created (a session automirror could never prove). */
  private signing(): { keys: NonNullable<OwnershipContext['keys']>; accountId: string } {
    const { keys, accountId } = this.ownership;
    if (!keys) throw configurationError('Automirror.OwnershipKeyMissing', 'no ownership key is configured (AUTOMIRROR_OWNERSHIP_KEYS): automirror creates no session it could not prove');
    if (!accountId) throw configurationError('Automirror.AccountUnknown', 'the account id is not known (--account-id or ALIBABA_CLOUD_ACCOUNT_ID): a proof binds it');
    return { keys, accountId };
  }

  async update(sessionId: string, c: SessionChanges, clientToken: string, opts: WriteOptions = {}): Promise<void> {
    const req = new UpdateTrafficMirrorSessionAttributeRequest({
      regionId: this.cfg.regionId,
      dryRun: opts.dryRun,
      clientToken,
      trafficMirrorSessionId: sessionId,
      trafficMirrorSessionName: c.name,
      enabled: c.enabled,
      priority: c.priority,
      virtualNetworkId: c.vni,
      packetLength: c.packetLength,
      trafficMirrorFilterId: c.filterId,
      trafficMirrorTargetId: c.target?.id,
      trafficMirrorTargetType: c.target?.kind,
    });
    await cloudCall(() => this.pop.call('UpdateTrafficMirrorSessionAttribute', req, new UpdateTrafficMirrorSessionAttributeResponse({})));
  }

  async addSources(sessionId: string, sourceIds: readonly string[], clientToken: string, opts: WriteOptions = {}): Promise<void> {
    const req = new AddSourcesToTrafficMirrorSessionRequest({
      regionId: this.cfg.regionId,
      dryRun: opts.dryRun,
      clientToken,
      trafficMirrorSessionId: sessionId,
      trafficMirrorSourceIds: [...sourceIds],
    });
    await cloudCall(() => this.pop.call('AddSourcesToTrafficMirrorSession', req, new AddSourcesToTrafficMirrorSessionResponse({})));
  }

  async removeSources(sessionId: string, sourceIds: readonly string[], clientToken: string, opts: WriteOptions = {}): Promise<void> {
    const req = new RemoveSourcesFromTrafficMirrorSessionRequest({
      regionId: this.cfg.regionId,
      dryRun: opts.dryRun,
      clientToken,
      trafficMirrorSessionId: sessionId,
      trafficMirrorSourceIds: [...sourceIds],
    });
    await cloudCall(() => this.pop.call('RemoveSourcesFromTrafficMirrorSession', req, new RemoveSourcesFromTrafficMirrorSessionResponse({})));
  }

  async delete(sessionId: string, clientToken: string): Promise<void> {
    const req = new DeleteTrafficMirrorSessionRequest({ regionId: this.cfg.regionId, clientToken, trafficMirrorSessionId: sessionId });
    await cloudCall(() => this.pop.call('DeleteTrafficMirrorSession', req, new DeleteTrafficMirrorSessionResponse({})));
  }

  private toSession(s: ListTrafficMirrorSessionsResponseBodyTrafficMirrorSessions): Session {
    const id = s.trafficMirrorSessionId ?? '';
    const tags: Tags = Object.fromEntries((s.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
    return {
      id,
      name: s.trafficMirrorSessionName ?? '',
      status: (s.trafficMirrorSessionStatus ?? 'Created') as SessionStatus,
      enabled: s.enabled ?? false,
      priority: s.priority ?? 0,
      vni: s.virtualNetworkId ?? 0,
      packetLength: s.packetLength ?? 1500,
      filterId: s.trafficMirrorFilterId ?? '',
      target: { kind: s.trafficMirrorTargetType === 'SLB' ? 'SLB' : 'NetworkInterface', id: s.trafficMirrorTargetId ?? '' },
      sourceIds: s.trafficMirrorSourceIds ?? [],
      tags,
      ...(s.trafficMirrorSessionDescription ? { description: s.trafficMirrorSessionDescription } : {}),
      ...(s.resourceGroupId ? { resourceGroupId: s.resourceGroupId } : {}),
      ...(s.creationTime ? { createdAt: s.creationTime } : {}),
      ownership: verifyOwnership(this.ownership, this.cfg.regionId, id, tags, ageOf(s.creationTime)),
    };
  }
}
