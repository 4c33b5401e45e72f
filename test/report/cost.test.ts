import { describe, expect, it } from 'vitest';
import { costChange, costLine, costSection, HOURS_PER_MONTH, usageOf } from '../../shared/report/cost.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { builder } from './fixture.js';

const USD = { currency: 'USD', pricePerSourceHour: { 'cn-hangzhou': 0.014 } };

describe('usage', () => {
  it("counts automirror's sessions per rule and their distinct sources, an ENI in two sessions once", () => {
    const u = usageOf([{ rule: 'web', sourceIds: ['eni-a', 'eni-b'] }, { rule: 'web', sourceIds: ['eni-a'] }, { rule: 'db', sourceIds: ['eni-a', 'eni-c'] }, { sourceIds: ['eni-x'] }]);
    expect(u.perRule).toEqual(
      new Map([
        ['web', { sessions: 2, sources: 2 }],
        ['db', { sessions: 1, sources: 2 }],
      ]),
    );
    expect(u.total).toEqual({ sessions: 3, sources: 3 });
  });
});

describe('cost', () => {
  it('is 730 source-hours a month per source, priced only with a price', () => {
    expect(HOURS_PER_MONTH).toBe(730);
    expect(costLine({ sessions: 1, sources: 3 }, 0.014)).toEqual({ sessions: 1, sessionHoursPerMonth: 730, sources: 3, sourceHoursPerMonth: 2190, monthlyCost: 30.66 });
    expect(costLine({ sessions: 1, sources: 3 }, undefined)).toEqual({ sessions: 1, sessionHoursPerMonth: 730, sources: 3, sourceHoursPerMonth: 2190 });
    expect(costLine({ sessions: 1, sources: 3 }, 0)).toMatchObject({ monthlyCost: 0 });
  });

  it('sums the account over the regions and prices only the priced ones, naming the others', () => {
    const s = costSection(
      [
        { regionId: 'cn-hangzhou', rule: 'web', sessions: 2, sources: 2 },
        { regionId: 'cn-shanghai', rule: 'web', sessions: 1, sources: 1 },
      ],
      [
        { regionId: 'cn-hangzhou', sessions: 2, sources: 2 },
        { regionId: 'cn-shanghai', sessions: 1, sources: 1 },
      ],
      USD,
    );
    expect(s.currency).toBe('USD');
    expect(s.rules.map((r) => r.monthlyCost)).toEqual([20.44, undefined]);
    expect(s.regions[0].pricePerSourceHour).toBe(0.014);
    expect(s.account).toEqual({ sessions: 3, sessionHoursPerMonth: 2190, sources: 3, sourceHoursPerMonth: 2190, monthlyCost: 20.44, unpricedRegions: ['cn-shanghai'] });
    expect(costSection([], [{ regionId: 'cn-shanghai', sessions: 0, sources: 0 }], undefined)).toEqual({
      hoursPerMonth: 730,
      rules: [],
      regions: [{ regionId: 'cn-shanghai', sessions: 0, sessionHoursPerMonth: 0, sources: 0, sourceHoursPerMonth: 0 }],
      account: { sessions: 0, sessionHoursPerMonth: 0, sources: 0, sourceHoursPerMonth: 0, unpricedRegions: ['cn-shanghai'] },
    });
  });

  it("is the change between two usages, in hours and, with the region's price, money", () => {
    const c = costChange('cn-hangzhou', { sessions: 1, sources: 1 }, { sessions: 2, sources: 3 }, USD);
    expect([c.before.sourceHoursPerMonth, c.after.sourceHoursPerMonth, c.sourceHoursDelta, c.costDelta]).toEqual([730, 2190, 1460, 20.44]);
    expect(costChange('cn-shanghai', { sessions: 1, sources: 1 }, { sessions: 0, sources: 0 }, USD)).not.toHaveProperty('costDelta');
  });
});

describe('the report', () => {
  const withRule = (policy: object) =>
    builder('report', { policy: { source: 'policy.yaml', rules: ['web'], ...policy } })
      .addBreakdown('cn-hangzhou', { perRule: new Map([['web', { sessions: 2, sources: 2 }]]), total: { sessions: 2, sources: 2 } }, [])
      .finish();

  it('estimates with the policy prices, and says why there is none without them', () => {
    const priced = withRule({ cost: USD });
    expect(priced.cost?.account).toMatchObject({ sourceHoursPerMonth: 1460, monthlyCost: 20.44 });
    const md = renderMarkdown(priced);
    expect(md).toContain('| web | cn-hangzhou | 2 | 1,460 | 2 | 1,460 | 20.44 USD |');
    expect(md).toContain("estimated 20.44 USD a month at the policy's prices");
    const unpriced = renderMarkdown(withRule({}));
    expect(unpriced).toContain('| web | cn-hangzhou | 2 | 1,460 | 2 | 1,460 | — |');
    expect(unpriced).toContain('No price is configured');
    expect(unpriced).toContain('not published in a form automirror can ship');
  });

  it('escapes a hostile rule name in the cost table', () => {
    const r = builder('report', { policy: { source: 'p', rules: [] } })
      .addBreakdown('cn-hangzhou', { perRule: new Map([['x|<b>*y*', { sessions: 1, sources: 1 }]]), total: { sessions: 1, sources: 1 } }, [])
      .finish();
    const md = renderMarkdown(r);
    expect(md).toContain('| x\\|\\<b\\>\\*y\\* | cn-hangzhou |');
  });
});
