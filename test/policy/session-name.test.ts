import { describe, expect, it } from 'vitest';
import { renderSessionName, sessionNameProblems } from '../../shared/policy/session-name.js';

const perEni = { kind: 'per-eni' } as const;
const pooled = { kind: 'pooled', maxSources: 10 } as const;

describe('session name templates', () => {
  it('renders every token, and leaves literal text alone', () => {
    const values = { rule: 'web', eni: 'eni-bp1abc', instance: 'i-bp1xyz', zone: 'cn-hangzhou-h', index: 3 };
    expect(renderSessionName('am-{rule}/{eni}@{instance}.{zone}#{index}', values)).toBe('am-web/eni-bp1abc@i-bp1xyz.cn-hangzhou-h#3');
    expect(renderSessionName('{rule}{rule}', { rule: 'x' })).toBe('xx');
  });

  it('renders a token without a value as nothing, never as a prototype property', () => {
    expect(renderSessionName('am-{rule}-{zone}', { rule: 'web' })).toBe('am-web-');
    expect(renderSessionName('a{constructor}b{__proto__}c', { rule: 'web' })).toBe('abc');
  });

  it('cuts what is rendered at 128 characters', () => {
    expect(renderSessionName('{eni}', { eni: 'e'.repeat(300) })).toHaveLength(128);
  });

  it.each([
    ['am-{rule}-{eni}', 'web', perEni, []],
    ['am-{rule}-{zone}-{index}', 'web', pooled, []],
    ['{rule}', 'r'.repeat(128), perEni, []],
    ['{rule}-', 'r'.repeat(128), perEni, ['rendered names can reach 129 characters; the cloud allows 128']],
    // The longest documented ids: ENI 24, instance 22, zone 24 characters.
    [`${'x'.repeat(58)}{eni}{instance}{zone}`, 'web', perEni, []],
    [`${'x'.repeat(59)}{eni}{instance}{zone}`, 'web', perEni, ['rendered names can reach 129 characters; the cloud allows 128']],
    ['{index}', 'web', pooled, []],
    ['{Rule}', 'web', perEni, ['unknown token {Rule}; expected {rule}, {eni}, {instance}, {zone}, {index}']],
    ['{}', 'web', perEni, ['unknown token {}; expected {rule}, {eni}, {instance}, {zone}, {index}']],
    ['am-}{rule}', 'web', perEni, ['unbalanced "{" or "}"']],
    ['{{rule}}', 'web', perEni, ['unbalanced "{" or "}"']],
    ['http://{rule}', 'web', perEni, ['a session name must not start with http:// or https://']],
    ['https://x', 'web', perEni, ['a session name must not start with http:// or https://']],
    ['x-http://{rule}', 'web', perEni, []],
    ['am-{instance}', 'web', pooled, ['{instance} names one ENI but a pooled session mirrors several']],
    ['am-{rule}-{index}', 'web', perEni, ['{index} numbers pooled sessions but this rule makes one session per ENI']],
  ] as const)('%s', (template, rule, layout, expected) => {
    expect(sessionNameProblems(template, rule, layout)).toEqual(expected);
  });
});
