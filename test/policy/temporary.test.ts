import { describe, expect, it } from 'vitest';
import type { Eni, Instance } from '../../shared/domain.js';
import { evaluate, explainEni } from '../../shared/policy/evaluate.js';
import { parseDuration, parseTime } from '../../shared/policy/temporary.js';
import { eni, instance, mirrorYaml, policyOf, problemsOf } from './fixtures.js';

// Time-boxed mirroring, judged in the pure core at a given time: no sleeping, no clock of the test's own.

const NOW = Date.UTC(2026, 11, 3, 10, 0, 0);
const HOUR = 3_600_000;
const at = (now = NOW, since?: Record<string, string>, written?: string) => ({ now, ...(since && { since: new Map(Object.entries(since)) }), ...(written && { written }) });
/** Judged with the event that wrote the tag at hand (ActionTrail's record of TagResources, at NOW). */
const fromEvent = (now = NOW) => at(now, undefined, new Date(NOW).toISOString());

const WEB = { name: 'web', match: '{ tag: mirror, equals: "on" }' };
const INCIDENT = { name: 'incident', match: '{ temporary: { maxDuration: 7d } }' };
const policy = policyOf([WEB, INCIDENT]);

describe('parseTime: strict RFC 3339', () => {
  it.each([
    ['2026-12-03T10:00:00Z', NOW],
    ['2026-12-03T18:00:00+08:00', NOW],
    ['2026-12-03T05:30:00-04:30', NOW],
    ['2026-12-03T10:00:00.250Z', NOW + 250],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
  ])('%s', (text, ms) => expect(parseTime(text)).toBe(ms));

  it.each([
    '2026-12-03',
    '2026-12-03T10:00Z',
    '2026-12-03T10:00:00',
    '2026-12-03 10:00:00Z',
    '2026-12-03t10:00:00z',
    'Thu, 03 Dec 2026 10:00:00 GMT',
    '1796292000',
    '2026-11-31T10:00:00Z',
    '2027-02-29T10:00:00Z',
    '2026-12-03T24:00:00Z',
    '2026-12-03T23:59:60Z',
    '2026-12-03T10:00:00+24:00',
    '+2026-12-03T10:00:00Z',
    '2026-12-03T10:00:00Z\n',
    '',
  ])('refuses %j', (text) => expect(parseTime(text)).toHaveProperty('error'));
});

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['6h', 6 * HOUR],
    ['2d', 48 * HOUR],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['6', '6H', '06h', '0h', '-6h', '1.5h', '6h30m', 'PT6H', ' 6h', '6 h', '9999999h'])('refuses %j', (text) => expect(parseDuration(text)).toHaveProperty('error'));
});

describe('a temporary rule', () => {
  const untagged = (tags: Record<string, string>, on: 'ENI' | 'instance' = 'instance'): [Eni, Instance] => (on === 'ENI' ? [eni({ tags }), instance()] : [eni(), instance({ tags })]);

  it('mirrors an ENI no other rule selects for the tag’s duration, counted from the tag’s write before anything is mirrored', () => {
    const d = evaluate(policy, ...untagged({ 'automirror:for': '6h' }), undefined, undefined, undefined, fromEvent());
    expect('spec' in d && d.spec.rule).toBe('incident');
    expect(d.temporary).toMatchObject({ status: 'active', until: '2026-12-03T16:00:00Z', rule: 'incident', tag: 'automirror:for=6h' });
  });

  it('does not start automirror:for without the record of its write, so an expired one is not re-armed by a later run', () => {
    const d = evaluate(policy, ...untagged({ 'automirror:for': '6h' }), undefined, undefined, undefined, at());
    expect(d).toMatchObject({ excluded: expect.any(String), temporary: { status: 'invalid', why: expect.stringContaining('no record of it is at hand') } });
    const late = evaluate(policy, ...untagged({ 'automirror:for': '6h' }), undefined, undefined, undefined, fromEvent(NOW + 7 * HOUR));
    expect(late.temporary?.status).toBe('expired');
  });

  it('counts automirror:for from its session’s creation, so re-writing the tag does not extend it', () => {
    const since = { incident: '2026-12-03T05:00Z' };
    const running = evaluate(policy, ...untagged({ 'automirror:for': '6h' }), undefined, undefined, undefined, at(NOW, since));
    expect(running.temporary).toMatchObject({ status: 'active', until: '2026-12-03T11:00:00Z' });
    const later = evaluate(policy, ...untagged({ 'automirror:for': '6h' }), undefined, undefined, undefined, at(NOW + 2 * HOUR, since));
    expect('excluded' in later && later.excluded).toBe("temporary mirroring of eni-a expired at 2026-12-03T11:00:00Z (automirror:for=6h, from its session's creation at 2026-12-03T05:00:00Z)");
    expect(later.temporary?.status).toBe('expired');
  });

  it('honours an absolute automirror:until on the ENI, and expires after it', () => {
    const tags = { 'automirror:until': '2026-12-03T18:00:00+08:00' };
    expect(evaluate(policy, ...untagged(tags, 'ENI'), undefined, undefined, undefined, at(NOW - HOUR)).temporary).toMatchObject({ status: 'active', until: '2026-12-03T10:00:00Z' });
    const after = evaluate(policy, ...untagged(tags, 'ENI'), undefined, undefined, undefined, at(NOW, { incident: '2026-12-03T08:00:00Z' }));
    expect(after).toMatchObject({ excluded: expect.stringContaining('expired at 2026-12-03T10:00:00Z'), temporary: { status: 'expired' } });
  });

  it.each([
    ['a past time before anything is mirrored', { 'automirror:until': '2026-12-03T09:00:00Z' }, 'is in the past'],
    ['a duration over maxDuration', { 'automirror:for': '8d' }, "more than rule incident's maxDuration 7d after its write at 2026-12-03T10:00:00Z"],
    ['an until beyond maxDuration', { 'automirror:until': '2026-12-20T00:00:00Z' }, 'maxDuration 7d after now'],
    ['a sloppy time', { 'automirror:until': 'tomorrow' }, 'expected an RFC 3339 time'],
    ['a sloppy duration', { 'automirror:for': '6 hours' }, 'expected a duration like 90m'],
    ['both tags', { 'automirror:for': '6h', 'automirror:until': '2026-12-03T12:00:00Z' }, 'not both'],
    ['a hostile value', { 'automirror:for': '6h\u202e<script>"' }, 'expected a duration'],
  ])('refuses %s: reported, not mirrored', (_, tags, why) => {
    const d = evaluate(policy, ...untagged(tags), undefined, undefined, undefined, fromEvent());
    expect('excluded' in d).toBe(true);
    expect(d.temporary).toMatchObject({ status: 'invalid', why: expect.stringContaining(why) });
  });

  it('quotes a hostile value where it names it', () => {
    const d = evaluate(policy, ...untagged({ 'automirror:for': '6h\n<b>x' }), undefined, undefined, undefined, at());
    expect(d.temporary?.tag).toBe('automirror:for="6h\\n<b>x"');
  });

  it('adds nothing where a rule already mirrors the ENI full-time; a bad value there is still reported', () => {
    const d = evaluate(policy, eni({ tags: { mirror: 'on', 'automirror:for': 'soon' } }), instance(), undefined, undefined, undefined, fromEvent());
    expect('spec' in d && d.spec.rule).toBe('web');
    expect(d.temporary?.status).toBe('invalid');
  });

  it('gives way to an honoured opt-out, and to exclusions no rule overrides', () => {
    const optedOut = evaluate(policy, eni({ tags: { automirror: 'off' } }), instance({ tags: { 'automirror:for': '6h' } }), undefined, undefined, undefined, fromEvent());
    expect(optedOut).toMatchObject({ excluded: expect.stringContaining('opt-out tag'), optOut: { status: 'honoured', rule: 'incident' } });
    const managed = evaluate(policy, eni({ serviceManaged: true, tags: { 'automirror:for': '6h' } }), instance(), undefined, undefined, undefined, fromEvent());
    expect('excluded' in managed && managed.excluded).toMatch(/^service-managed/);
  });

  it('selects nothing without a clock, and reports a tag no temporary rule can use', () => {
    expect('excluded' in evaluate(policy, ...untagged({ 'automirror:for': '6h' }))).toBe(true);
    const none = evaluate(policyOf([WEB]), ...untagged({ 'automirror:for': '6h' }), undefined, undefined, undefined, at());
    expect(none.temporary).toMatchObject({ status: 'unusable', why: expect.stringContaining('no rule with match.temporary') });
  });

  it('is explained: the rule that decides, until when', () => {
    const x = explainEni(policy, ...untagged({ 'automirror:for': '6h' }), undefined, undefined, fromEvent());
    expect(x.rules.map((r) => r.detail)).toEqual([expect.stringContaining('needs mirror'), 'matches: the first rule that does, so it decides']);
    expect(x.decision.temporary?.until).toBe('2026-12-03T16:00:00Z');
  });

  it('is per-ENI, bounded in the schema, and refuses what it can’t read', () => {
    expect(problemsOf(`version: 1\nrules:\n  - name: t\n    match: { temporary: true }\n${mirrorYaml(0, '      layout: { pooled: 5 }\n')}`)).toEqual([
      expect.stringContaining('a rule with match.temporary mirrors each ENI in its own session'),
    ]);
    expect(problemsOf(`version: 1\nrules:\n  - name: t\n    match: { temporary: { maxDuration: 60d } }\n${mirrorYaml(0)}`)).toEqual([expect.stringContaining('at most 31d')]);
    expect(problemsOf(`version: 1\nrules:\n  - name: t\n    match: { temporary: { maxDuration: 1 week } }\n${mirrorYaml(0)}`)).toEqual([expect.stringContaining('expected a duration like 90m')]);
    expect(problemsOf(`version: 1\nrules:\n  - name: t\n    match: { temporary: yes }\n${mirrorYaml(0)}`)).toEqual([expect.stringContaining('expected true or a mapping with maxDuration')]);
  });
});

describe('a rule with expires', () => {
  const rules = (expires: string) =>
    policyOf([
      { name: 'web', match: '{ tag: mirror, equals: "on" }', mirror: `${mirrorYaml(0)}    expires: "${expires}"\n` },
      { name: 'rest', match: '{ tag: mirror, exists: true }' },
    ]);
  const tagged = [eni({ tags: { mirror: 'on' } }), instance()] as const;

  it('selects until then; after it, the next rule decides', () => {
    expect(evaluate(rules('2026-12-03T11:00:00Z'), ...tagged, undefined, undefined, undefined, at())).toMatchObject({ spec: { rule: 'web' } });
    expect(evaluate(rules('2026-12-03T10:00:00Z'), ...tagged, undefined, undefined, undefined, at())).toMatchObject({ spec: { rule: 'rest' } });
  });

  it('says so when nothing else selects', () => {
    const p = policyOf([{ name: 'web', match: '{ tag: mirror, equals: "on" }', mirror: `${mirrorYaml(0)}    expires: "2026-12-01T00:00:00Z"\n` }]);
    expect(evaluate(p, ...tagged, undefined, undefined, undefined, at())).toEqual({ eniId: 'eni-a', excluded: 'rule web: expired at 2026-12-01T00:00:00Z' });
  });

  it('is an RFC 3339 time, strictly', () => {
    expect(problemsOf(`version: 1\nrules:\n  - name: t\n    match: { tag: a, exists: true }\n${mirrorYaml(0)}    expires: "2026-12-01"\n`)).toEqual([
      expect.stringContaining('expected an RFC 3339 time'),
    ]);
  });
});
