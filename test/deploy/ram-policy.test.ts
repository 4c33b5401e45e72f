import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type RolePolicy, renderRolePolicy } from '../../cli/wiring/role-policy.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const policy = JSON.parse(readFileSync(join(ROOT, 'deploy/ram/function-role-policy.json'), 'utf8')) as RolePolicy;
const list = (v: string | readonly string[]) => (typeof v === 'string' ? [v] : [...v]);
const granted = new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)));

/**
 * Writes RAM can only grant on every resource: cms:PutCustomMetric's authorization table lists "All Resource"
 * (https://www.alibabacloud.com/help/doc-detail/115004.html, RAM authorization); it writes data points, nothing else.
 */
const UNSCOPED_WRITES = new Set(['cms:PutCustomMetric']);
/** Reads by their RAM names: Describe*, List*, Get*, Lookup*. Everything else can change something. */
const READ = /^\w+:(Describe|List|Get|Lookup)[A-Z]/;
/** `acs:<service>:<region>:<account>:<resource>`; RAM spells "any region" / "any account" as `*` (or leaves it empty). */
const ARN = /^acs:([a-z0-9-]+):([^:]*):([^:]*):(.+)$/;

/**
 * What is too broad in a policy: a write granted on `*` or on every resource of a service (`acs:vpc:R:A:*`), and
 * any ARN whose region or account is a wildcard or empty (RAM ARNs for the services used here all have both), except
 * OSS's region: bucket names are global, and OSS's ARNs are written `acs:oss:*:<account>:<bucket>/<object>`
 * (https://www.alibabacloud.com/help/en/oss/user-guide/authorization-syntax-and-elements), and Resource Manager's, a
 * global service whose ARNs write the region as `*` (ListAccounts: `acs:resourcemanager:*:{#accountId}:account/*`);
 * and sts:AssumeRole on one
 * named RAM role in any account (RAM is global, so its region is `*`; the member accounts come from the Resource
 * Directory at run time, so the account can't be pinned at deploy time — the role name can, and must be).
 */
function tooBroad(doc: RolePolicy): string[] {
  const found: string[] = [];
  for (const s of doc.Statement.filter((x) => x.Effect === 'Allow')) {
    const writes = list(s.Action).filter((a) => !READ.test(a) && !UNSCOPED_WRITES.has(a));
    for (const r of list(s.Resource)) {
      if (r === '*' || r === 'acs:*') {
        if (writes.length) found.push(`${writes.join(', ')} on ${r}`);
        continue;
      }
      const m = ARN.exec(r);
      const memberRole = m?.[1] === 'ram' && m[2] === '*' && m[3] === '*' && /^role\/([a-z0-9.-]+|\{memberRole\})$/.test(m[4]) && list(s.Action).every((a) => a === 'sts:AssumeRole');
      if (!m) found.push(`not an ARN: ${r}`);
      else if (memberRole) continue;
      else if (!m[3] || m[3].includes('*') || !m[2] || (m[2].includes('*') && !((m[1] === 'oss' || m[1] === 'resourcemanager') && m[2] === '*')))
        found.push(`${list(s.Action).join(', ')} on ${r}: region and account must be pinned`);
      else if (writes.length && m[4].startsWith('*')) found.push(`${writes.join(', ')} on ${r}: every resource of the service`);
    }
  }
  return found;
}

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

/** Every cloud action the code the functions bundle (shared/) can call, read from the adapters' call sites. */
function actionsCalledByCode(): Set<string> {
  const found = new Set<string>();
  const dir = join(ROOT, 'shared/cloud');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const src = readFileSync(join(dir, file), 'utf8');
    const product = /new PopClient\((ECS|VPC|SLB|ACTIONTRAIL|ESS|CMS|STS|RESOURCEMANAGER)\b/.exec(src)?.[1]?.toLowerCase();
    for (const m of src.matchAll(/\.call\('(\w+)'/g)) {
      expect(product, `${file} calls ${m[1]} without naming its product`).toBeDefined();
      found.add(`${product}:${m[1]}`);
    }
    for (const m of src.matchAll(/\.(\w+)\(this\.name/g)) if (MNS_METHODS[m[1]]) found.add(MNS_METHODS[m[1]]);
    if (/action: 'InvokeFunction'|\.invokeFunction\(/.test(src)) found.add('fc:InvokeFunction');
    if (/\.get\(this\.key/.test(src)) found.add('oss:GetObject');
    if (/\.put\(this\.key/.test(src)) found.add('oss:PutObject');
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
    // vpc:TagResources is called directly (the ownership proof after Create), and Create's Tag.N needs it too.
    expect([...granted].filter((a) => !called.has(a)).sort()).toEqual([]);
  });

  it('grants no write on "*" and pins region and account in every ARN (placeholders the deployment fills)', () => {
    expect(tooBroad(policy)).toEqual([]);
    for (const s of policy.Statement)
      for (const r of list(s.Resource))
        if (r !== '*')
          expect(r).toMatch(
            /^acs:[a-z]+:\{(vpcRegion|region)\}:\{account\}:|^acs:oss:\*:\{account\}:\{historyBucket\}\/|^acs:resourcemanager:\*:\{account\}:(account|folder)\/\*$|^acs:ram:\*:\*:role\/\{memberRole\}$/,
          );
  });

  it('the check fails on a planted write on "*", on every resource of a service, a wildcard region and a wildcard account', () => {
    const plant = (Resource: string) => ({ Version: '1', Statement: [...policy.Statement, { Effect: 'Allow', Action: ['vpc:DeleteTrafficMirrorSession'], Resource }] });
    expect(tooBroad(plant('*'))).toEqual(['vpc:DeleteTrafficMirrorSession on *']);
    expect(tooBroad(plant('acs:vpc:*:1234567890123456:trafficmirrorsession/*'))).toHaveLength(1);
    expect(tooBroad(plant('acs:vpc:cn-hangzhou:*:trafficmirrorsession/*'))).toHaveLength(1);
    expect(tooBroad(plant('acs:vpc:cn-hangzhou::trafficmirrorsession/*'))).toHaveLength(1);
    expect(tooBroad(plant('acs:vpc:{region}:{account}:*'))).toEqual(['vpc:DeleteTrafficMirrorSession on acs:vpc:{region}:{account}:*: every resource of the service']);
    // A read on "*" is allowed: ListTrafficMirrorSessions and the ECS/SLB Describe calls have no resource-level grant.
    expect(tooBroad({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['vpc:ListTrafficMirrorSessions'], Resource: '*' }] })).toEqual([]);
  });

  it('renders for a deployment: every placeholder filled, the session ARNs once per managed region', () => {
    const rendered = renderRolePolicy({ region: 'cn-hangzhou', regions: ['cn-hangzhou', 'cn-shanghai'], account: '1234567890123456' });
    expect(tooBroad(rendered)).toEqual([]);
    const arns = rendered.Statement.flatMap((s) => list(s.Resource)).filter((r) => r !== '*');
    expect(arns.filter((r) => r.includes('{'))).toEqual([]);
    expect(arns.every((r) => /^acs:\w+:cn-(hangzhou|shanghai):1234567890123456:/.test(r))).toBe(true);
    const deleteOn = rendered.Statement.filter((s) => list(s.Action).includes('vpc:DeleteTrafficMirrorSession')).flatMap((s) => list(s.Resource));
    expect(deleteOn).toEqual(['acs:vpc:cn-hangzhou:1234567890123456:trafficmirrorsession/*', 'acs:vpc:cn-shanghai:1234567890123456:trafficmirrorsession/*']);
    // FC and MNS live only in the deployment's region.
    expect(arns.filter((r) => /^acs:(mns|fc):/.test(r)).every((r) => r.includes(':cn-hangzhou:'))).toBe(true);
  });

  it("grants sts:AssumeRole on the member accounts' role only, and only when the deployment names one", () => {
    const scope = { region: 'cn-hangzhou', regions: ['cn-hangzhou'], account: '1234567890123456' };
    const on = (doc: RolePolicy) => doc.Statement.filter((s) => list(s.Action).includes('sts:AssumeRole')).flatMap((s) => list(s.Resource));
    expect(on(renderRolePolicy({ ...scope, memberRole: 'ResourceDirectoryAccountAccessRole' }))).toEqual(['acs:ram:*:*:role/resourcedirectoryaccountaccessrole']);
    expect(on(renderRolePolicy(scope))).toEqual([]);
    expect(tooBroad(renderRolePolicy({ ...scope, memberRole: 'automirror-member' }))).toEqual([]);
    // Listing the Resource Directory comes with the member role, in the deployment's own account only.
    const listing = (doc: RolePolicy) => doc.Statement.filter((s) => list(s.Action).includes('resourcemanager:ListAccounts')).flatMap((s) => list(s.Resource));
    expect(listing(renderRolePolicy({ ...scope, memberRole: 'automirror-member' }))).toEqual(['acs:resourcemanager:*:1234567890123456:account/*', 'acs:resourcemanager:*:1234567890123456:folder/*']);
    expect(listing(renderRolePolicy(scope))).toEqual([]);
    expect(() => renderRolePolicy({ ...scope, memberRole: '*' })).toThrow(/not a role name/);
    // Any role in any account, or another action riding on the exception, is too broad.
    expect(tooBroad({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'acs:ram:*:*:role/*' }] })).toHaveLength(1);
    expect(tooBroad({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'ram:DeleteRole'], Resource: 'acs:ram:*:*:role/x' }] })).toHaveLength(1);
  });

  it('grants the history objects of one bucket only, and only when the deployment has one', () => {
    const scope = { region: 'cn-hangzhou', regions: ['cn-hangzhou'], account: '1234567890123456' };
    const on = (doc: RolePolicy) => doc.Statement.filter((s) => list(s.Action).includes('oss:PutObject')).flatMap((s) => list(s.Resource));
    expect(on(renderRolePolicy({ ...scope, historyBucket: 'am-history' }))).toEqual(['acs:oss:*:1234567890123456:am-history/automirror/history/*']);
    expect(on(renderRolePolicy(scope))).toEqual([]);
    expect(tooBroad(renderRolePolicy({ ...scope, historyBucket: 'am-history' }))).toEqual([]);
    expect(tooBroad({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['oss:PutObject'], Resource: 'acs:oss:*:*:am-history/*' }] })).toHaveLength(1);
    expect(() => renderRolePolicy({ ...scope, historyBucket: '*' })).toThrow(/not a bucket name/);
  });

  it('refuses a region or account that is not an id (no wildcard can be templated in)', () => {
    expect(() => renderRolePolicy({ region: 'cn-hangzhou', regions: ['*'], account: '1234567890123456' })).toThrow(/not a region id/);
    expect(() => renderRolePolicy({ region: 'cn-hangzhou', regions: ['cn-hangzhou'], account: '*' })).toThrow(/not an account id/);
  });

  it('lets only FC assume the role', () => {
    const trust = JSON.parse(readFileSync(join(ROOT, 'deploy/ram/function-role-trust-policy.json'), 'utf8'));
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['fc.aliyuncs.com'] } }]);
  });
});
