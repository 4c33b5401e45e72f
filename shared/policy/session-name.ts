import type { SessionLayout } from '../domain.js';

/** The session name template: literal text with tokens the engine fills in per session. */

export const SESSION_NAME_TOKENS = ['rule', 'eni', 'instance', 'zone', 'index'] as const;
export type SessionNameToken = (typeof SESSION_NAME_TOKENS)[number];

const MAX_NAME = 128;
// The longest value each token takes: documented id formats (eni- + 20, i- + 20, zones like cn-shanghai-finance-1-z)
// and the 20,000 sessions a region holds at most.
const LONGEST: Readonly<Record<Exclude<SessionNameToken, 'rule'>, number>> = { eni: 24, instance: 22, zone: 24, index: 5 };
const PIECE = /\{([^{}]*)\}/g;

/** Why a template cannot name this rule's sessions; empty when it can. */
export function sessionNameProblems(template: string, rule: string, layout: SessionLayout): string[] {
  const problems: string[] = [];
  const tokens = [...template.matchAll(PIECE)].map((m) => m[1]);
  for (const t of tokens) {
    if (!(SESSION_NAME_TOKENS as readonly string[]).includes(t)) problems.push(`unknown token {${t}}; expected ${SESSION_NAME_TOKENS.map((x) => `{${x}}`).join(', ')}`);
  }
  const literal = template.replace(PIECE, '');
  if (/[{}]/.test(literal)) problems.push('unbalanced "{" or "}"');
  const pooled = layout.kind === 'pooled';
  for (const t of pooled ? ['eni', 'instance'] : ['index']) {
    if (tokens.includes(t)) problems.push(pooled ? `{${t}} names one ENI but a pooled session mirrors several` : '{index} numbers pooled sessions but this rule makes one session per ENI');
  }
  const longest = literal.length + tokens.reduce((n, t) => n + (t === 'rule' ? rule.length : (LONGEST[t as keyof typeof LONGEST] ?? 0)), 0);
  if (longest > MAX_NAME) problems.push(`rendered names can reach ${longest} characters; the cloud allows ${MAX_NAME}`);
  if (/^https?:\/\//i.test(renderSessionName(template, { rule }))) problems.push('a session name must not start with http:// or https://');
  return problems;
}

/** The session's name. Tokens without a value render empty; the cut at 128 only matters for ids longer than documented. */
export function renderSessionName(template: string, values: Partial<Record<SessionNameToken, string | number>>): string {
  return template.replace(PIECE, (_, t: string) => (Object.hasOwn(values, t) ? String(values[t as SessionNameToken]) : '')).slice(0, MAX_NAME);
}
