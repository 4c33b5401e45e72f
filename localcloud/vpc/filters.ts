import { ApiError, invalidParameter, missingParameter } from '../core/api-error.js';
import { newId } from '../core/ids.js';
import { pageByToken } from '../core/paging.js';
import { checkTags, matchesTags, vpcTags } from '../core/tags.js';
import { where } from '../core/where.js';
import { dryRunPassed } from '../pop/idempotency.js';
import { Params } from '../pop/params.js';
import type { PopContext } from '../pop/protocol.js';
import type { CloudState, FilterRec, FilterRuleRec } from '../state.js';
import { recordedOperation } from './events.js';
import { transitionFilter } from './lifecycle.js';
import { LIMITS } from './limits.js';
import { requireServiceOpened } from './rules.js';

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;

/** `a/b` with 1 ≤ a ≤ b ≤ 65535, or `-1/-1` for all ports. */
function portRange(p: Params, name: string): string {
  const v = p.str(name) || '-1/-1';
  const m = /^(-1|\d{1,5})\/(-1|\d{1,5})$/.exec(v);
  const [from, to] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  const all = from === -1 && to === -1;
  if (!all && !(from >= 1 && from <= to && to <= 65535)) throw invalidParameter(name, `"${v}" is not a port range like 1/200 or -1/-1`);
  return v;
}

function cidr(p: Params, name: string, ipVersion: string): string {
  const v = p.str(name) || (ipVersion === 'IPv6' ? '::/0' : '0.0.0.0/0');
  if (!CIDR.test(v)) throw invalidParameter(name, `"${v}" is not a CIDR block`);
  return v;
}

function parseRules(p: Params, param: 'IngressRules' | 'EgressRules', direction: FilterRuleRec['direction']): FilterRuleRec[] {
  const priorities = new Set<number>();
  return p.objects(param, LIMITS.rulesPerDirectionPerCreate).map((group) => {
    const g = new Params(new Map(Object.entries(group)));
    const action = g.oneOf('Action', ['accept', 'drop'] as const);
    const protocol = g.oneOf('Protocol', ['ALL', 'ICMP', 'TCP', 'UDP'] as const);
    const priority = g.int('Priority', { min: 1, max: 16_777_216 });
    if (!action) throw missingParameter(`${param}.N.Action`);
    if (!protocol) throw missingParameter(`${param}.N.Protocol`);
    if (priority === undefined) throw missingParameter(`${param}.N.Priority`);
    if (priorities.has(priority)) throw new ApiError('InvalidParameter.RulePriorityConflict', `${param} priority ${priority} is used twice.`);
    priorities.add(priority);
    const ipVersion = g.oneOf('IpVersion', ['IPv4', 'IPv6'] as const) ?? 'IPv4';
    const ported = protocol === 'TCP' || protocol === 'UDP';
    return {
      trafficMirrorFilterRuleId: newId('tmr'),
      direction,
      action,
      priority,
      protocol,
      sourceCidrBlock: cidr(g, 'SourceCidrBlock', ipVersion),
      destinationCidrBlock: cidr(g, 'DestinationCidrBlock', ipVersion),
      sourcePortRange: ported ? portRange(g, 'SourcePortRange') : '-1/-1',
      destinationPortRange: ported ? portRange(g, 'DestinationPortRange') : '-1/-1',
      ipVersion,
    };
  });
}

function ruleView(f: FilterRec, rule: FilterRuleRec) {
  return {
    TrafficMirrorFilterRuleId: rule.trafficMirrorFilterRuleId,
    TrafficMirrorFilterId: f.trafficMirrorFilterId,
    TrafficMirrorFilterRuleStatus: f.status,
    TrafficDirection: rule.direction,
    Action: rule.action,
    Priority: rule.priority,
    Protocol: rule.protocol,
    SourceCidrBlock: rule.sourceCidrBlock,
    DestinationCidrBlock: rule.destinationCidrBlock,
    SourcePortRange: rule.sourcePortRange,
    DestinationPortRange: rule.destinationPortRange,
    IpVersion: rule.ipVersion,
  };
}

function filterView(f: FilterRec) {
  return {
    TrafficMirrorFilterId: f.trafficMirrorFilterId,
    TrafficMirrorFilterName: f.trafficMirrorFilterName,
    TrafficMirrorFilterDescription: f.trafficMirrorFilterDescription,
    TrafficMirrorFilterStatus: f.status,
    ResourceGroupId: f.resourceGroupId,
    CreationTime: f.creationTime,
    IngressRules: f.rules.filter((r) => r.direction === 'ingress').map((r) => ruleView(f, r)),
    EgressRules: f.rules.filter((r) => r.direction === 'egress').map((r) => ruleView(f, r)),
    Tags: vpcTags(f.tags),
  };
}

export const createTrafficMirrorFilter = (state: CloudState) =>
  recordedOperation(state, 'TrafficMirrorFilter', (ctx, r) => {
    const p = ctx.params;
    requireServiceOpened(r);
    const name = p.text('TrafficMirrorFilterName', 1, 128, 'IllegalParam.TrafficMirrorFilterName');
    const description = p.text('TrafficMirrorFilterDescription', 1, 256, 'IllegalParam.TrafficMirrorFilterDescription');
    const tags = checkTags(p.objects('Tag'));
    const rules = [...parseRules(p, 'IngressRules', 'ingress'), ...parseRules(p, 'EgressRules', 'egress')];
    if (rules.length > state.options.quotas.rulesPerFilter) {
      throw new ApiError('QuotaExceeded.TrafficMirrorRule', `A traffic mirror filter holds at most ${state.options.quotas.rulesPerFilter} rules.`);
    }
    if (r.filters.size >= LIMITS.filtersPerRegion) {
      throw new ApiError('QuotaExceeded.TrafficMirrorFilter', `A region holds at most ${LIMITS.filtersPerRegion} traffic mirror filters.`);
    }
    dryRunPassed(ctx);
    const f: FilterRec = {
      trafficMirrorFilterId: newId('tmf'),
      trafficMirrorFilterName: name ?? '',
      trafficMirrorFilterDescription: description ?? '',
      status: 'Creating',
      resourceGroupId: p.str('ResourceGroupId') ?? '',
      rules,
      tags: new Map(tags),
      creationTime: state.isoNow(),
    };
    r.filters.set(f.trafficMirrorFilterId, f);
    transitionFilter(state, r, f, 'Creating');
    return { TrafficMirrorFilterId: f.trafficMirrorFilterId, ResourceGroupId: f.resourceGroupId };
  });

export function listTrafficMirrorFilters(state: CloudState) {
  return (ctx: PopContext) => {
    const r = state.region(ctx.params.str('RegionId'));
    const p = ctx.params;
    const ids = new Set(p.list('TrafficMirrorFilterIds', LIMITS.idsPerList));
    const tagFilter = p.objects('Tags', LIMITS.tagsPerCall);
    const maxResults = p.int('MaxResults', { min: 1, max: 100 }) ?? 10;
    const pg = pageByToken(
      r.filters.sorted(),
      (f) => f.trafficMirrorFilterId,
      where<FilterRec>(
        ids.size > 0 && ((f) => ids.has(f.trafficMirrorFilterId)),
        ...p.equalities<FilterRec>({ TrafficMirrorFilterName: (f) => f.trafficMirrorFilterName, ResourceGroupId: (f) => f.resourceGroupId }),
        tagFilter.length > 0 && ((f) => matchesTags(f.tags, tagFilter)),
      ),
      p.str('NextToken'),
      maxResults,
    );
    return {
      TotalCount: String(pg.total),
      Count: pg.items.length,
      MaxResults: maxResults,
      NextToken: pg.nextToken,
      TrafficMirrorFilters: pg.items.map(filterView),
    };
  };
}
