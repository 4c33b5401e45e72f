import { randomBytes } from 'node:crypto';
import { ApiError } from '../core/api-error.js';
import type { Keyring } from '../core/keyring.js';
import type { PopContext, PopProduct } from '../pop/protocol.js';
import type { Organisation } from './index.js';

/** `acs:ram::<account>:role/<name>`, the form AssumeRole takes (RAM's role ARN). */
const ROLE_ARN = /^acs:ram::(\d+):role\/([A-Za-z0-9.-]{1,64})$/;
/** AssumeRole's RoleSessionName: letters, digits, `.@-_`, 2 to 64 characters (API reference, AssumeRole). */
const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;
const MIN_DURATION = 900;
const DEFAULT_DURATION = 3600;

const token = (bytes: number) => randomBytes(bytes).toString('base64');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * STS 2015-04-01 AssumeRole, checked as the API reference documents, in this order: the caller is a RAM user or
 * role (`NoPermission`, "Roles may not be assumed by root accounts."), RoleSessionName and DurationSeconds are well
 * formed, the role exists in the account its ARN names (`EntityNotExist.Role`), and its trust policy names the
 * caller's account (`NoPermission`). The STS key it returns acts in the role's account only, until Expiration.
 */
export function stsProduct(org: Organisation, keyring: Keyring): PopProduct {
  const assumeRole = (ctx: PopContext) => {
    if (ctx.principal?.type === 'root-account') throw new ApiError('NoPermission', 'Roles may not be assumed by root accounts.', 403);
    const arn = ctx.params.required('RoleArn');
    const sessionName = ctx.params.required('RoleSessionName');
    if (!SESSION_NAME.test(sessionName)) throw new ApiError('InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.', 400);
    const m = ROLE_ARN.exec(arn);
    if (!m) throw new ApiError('InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.', 400);
    const [, accountId, roleName] = m;
    const role = org.states.has(accountId) ? org.role(accountId, roleName) : undefined;
    const max = role?.maxSessionDuration ?? DEFAULT_DURATION;
    const raw = ctx.params.str('DurationSeconds');
    const duration = raw === undefined || raw === '' ? DEFAULT_DURATION : Number(raw);
    if (!Number.isInteger(duration) || duration < MIN_DURATION || duration > max) {
      throw new ApiError('InvalidParameter.DurationSeconds', `The Min/Max value of DurationSeconds is 15min/${max / 3600}hr.`, 400);
    }
    if (!role) throw new ApiError('EntityNotExist.Role', `The role not exists: ${arn}.`, 404);
    if (!role.trustedAccounts.includes(ctx.accountId)) {
      throw new ApiError('NoPermission', "No permission perform sts:AssumeRole on this Role. Maybe you should check the role's trust policy.", 403);
    }
    const now = org.main.now();
    const expiresAt = now + duration * 1000;
    const key = {
      accessKeyId: `STS.${randomBytes(12).toString('hex')}`,
      accessKeySecret: token(24),
      securityToken: token(48),
      accountId,
      expiresAt,
      principal: { type: 'assumed-role' as const, userName: `${role.roleName}:${sessionName}` },
    };
    keyring.add(key);
    const roleId = `3${randomBytes(8).readBigUInt64BE().toString().slice(0, 17)}`;
    return {
      AssumedRoleUser: { Arn: `acs:ram::${accountId}:role/${role.roleName.toLowerCase()}/${sessionName}`, AssumedRoleId: `${roleId}:${sessionName}` },
      Credentials: { AccessKeyId: key.accessKeyId, AccessKeySecret: key.accessKeySecret, SecurityToken: key.securityToken, Expiration: iso(expiresAt) },
    };
  };
  return { product: 'Sts', version: '2015-04-01', hostId: 'sts.aliyuncs.com', operations: { AssumeRole: assumeRole } };
}
