import { ENI_ID, INSTANCE_ID, TAG_KEY, TAG_VALUE } from './formats.js';
import { has, list, mapping, type Problems, type TextFormat, text } from './problems.js';
import { parseTagExpr } from './schema-match.js';
import type { OptOut, PrincipalPattern, Protected } from './types.js';

/**
 * RAM's names for who made a call (RAM "ARN": acs:ram::<account>:root / user/<name> / role/<name>); user names
 * are 1–64 letters, digits, `.`, `_`, `-`, `@` and role names 1–64 letters, digits, `.`, `-`, `_` (RAM API
 * reference, CreateUser UserName and CreateRole RoleName).
 */
export const PRINCIPAL: TextFormat = {
  what: 'a RAM principal acs:ram::<account-id>:root, acs:ram::<account-id>:user/<name> or acs:ram::<account-id>:role/<name>',
  max: 128,
  pattern: /^acs:ram::\d{1,32}:(root|user\/[A-Za-z0-9._@-]{1,64}|role\/[A-Za-z0-9._-]{1,64})$/,
};

/** `optOut`: the tag, and optionally who may use it and what may never be opted out. */
export function parseOptOut(p: Problems, v: unknown): OptOut | undefined {
  const m = mapping(p, ['optOut'], v, ['tag'], ['value', 'allowedPrincipals', 'protected']);
  if (!m) return undefined;
  const tag = text(p, ['optOut', 'tag'], m.tag, TAG_KEY);
  const value = has(m, 'value') ? text(p, ['optOut', 'value'], m.value, TAG_VALUE) : undefined;
  const allowed = has(m, 'allowedPrincipals') ? list(p, ['optOut', 'allowedPrincipals'], m.allowedPrincipals, (path, x) => principal(p, path, x)) : undefined;
  const prot = has(m, 'protected') ? parseProtected(p, m.protected) : undefined;
  if (tag === undefined || (has(m, 'allowedPrincipals') && !allowed) || (has(m, 'protected') && !prot)) return undefined;
  return { tag, ...(value !== undefined && { value }), ...(allowed && { allowedPrincipals: allowed }), ...(prot && { protected: prot }) };
}

function principal(p: Problems, path: ReadonlyArray<string | number>, v: unknown): PrincipalPattern | undefined {
  const s = text(p, path, v, PRINCIPAL);
  if (s === undefined) return undefined;
  const [, accountId, rest] = /^acs:ram::(\d+):(.*)$/.exec(s) as RegExpExecArray;
  if (rest === 'root') return { kind: 'root', accountId, name: '', text: s };
  const [kind, name] = rest.split('/', 2) as ['user' | 'role', string];
  return { kind, accountId, name, text: s };
}

function parseProtected(p: Problems, v: unknown): Protected | undefined {
  const at = ['optOut', 'protected'];
  const m = mapping(p, at, v, [], ['instances', 'enis', 'match']);
  if (!m) return undefined;
  const instances = has(m, 'instances') ? list(p, [...at, 'instances'], m.instances, (path, x) => text(p, path, x, INSTANCE_ID)) : undefined;
  const enis = has(m, 'enis') ? list(p, [...at, 'enis'], m.enis, (path, x) => text(p, path, x, ENI_ID)) : undefined;
  const match = has(m, 'match') ? parseTagExpr(p, [...at, 'match'], m.match) : undefined;
  if (!instances && !enis && !match) {
    if (!has(m, 'instances') && !has(m, 'enis') && !has(m, 'match')) p.add(at, 'expected at least one of instances, enis, match');
    return undefined;
  }
  if ((has(m, 'instances') && !instances) || (has(m, 'enis') && !enis) || (has(m, 'match') && !match)) return undefined;
  return { ...(instances && { instances }), ...(enis && { enis }), ...(match && { match }) };
}
