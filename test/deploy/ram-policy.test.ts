import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
type Statement = { Effect: string; Action: string[]; Resource: string | string[] };
const policy = JSON.parse(readFileSync(join(ROOT, 'deploy/ram/function-role-policy.json'), 'utf8')) as { Statement: Statement[] };
const granted = new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));

/** The @alicloud/mns methods the adapters call, by the RAM action each needs. */
const MNS_METHODS: Record<string, string> = {
  sendMessage: 'mns:SendMessage',
  batchSendMessage: 'mns:BatchSendMessage',
  receiveMessage: 'mns:ReceiveMessage',
  batchReceiveMessage: 'mns:ReceiveMessage',
  deleteMessage: 'mns:DeleteMessage',
  batchDeleteMessage: 'mns:DeleteMessage',
  changeMessageVisibility: 'mns:ChangeMessageVisibility',
  publishMessage: 'mns:PublishMessage',
};
/** Granted without a direct call: CreateTrafficMirrorSession with Tag.N tags the session (CreateTrafficMirrorSession, VPC API reference). */
const IMPLIED = new Set(['vpc:TagResources']);

/** Every cloud action the code the functions bundle (shared/) can call, read from the adapters' call sites. */
function actionsCalledByCode(): Set<string> {
  const found = new Set<string>();
  const dir = join(ROOT, 'shared/cloud');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const src = readFileSync(join(dir, file), 'utf8');
    const product = /new PopClient\((ECS|VPC|SLB|ACTIONTRAIL)\b/.exec(src)?.[1]?.toLowerCase();
    for (const m of src.matchAll(/\.call\('(\w+)'/g)) {
      expect(product, `${file} calls ${m[1]} without naming its product`).toBeDefined();
      found.add(`${product}:${m[1]}`);
    }
    for (const m of src.matchAll(/\.(\w+)\(this\.name/g)) if (MNS_METHODS[m[1]]) found.add(MNS_METHODS[m[1]]);
    if (/action: 'InvokeFunction'|\.invokeFunction\(/.test(src)) found.add('fc:InvokeFunction');
  }
  return found;
}

describe("the functions' RAM role", () => {
  const called = actionsCalledByCode();

  it('finds the calls it checks (the scan itself works)', () => {
    expect(called).toContain('vpc:CreateTrafficMirrorSession');
    expect(called).toContain('ecs:DescribeNetworkInterfaces');
    expect(called).toContain('mns:SendMessage');
  });

  it('grants every action the code calls', () => {
    expect([...called].filter((a) => !granted.has(a)).sort()).toEqual([]);
  });

  it('grants nothing the code does not call (least privilege)', () => {
    expect([...granted].filter((a) => !called.has(a) && !IMPLIED.has(a)).sort()).toEqual([]);
  });

  it('lets only FC assume the role', () => {
    const trust = JSON.parse(readFileSync(join(ROOT, 'deploy/ram/function-role-trust-policy.json'), 'utf8'));
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }]);
  });
});
