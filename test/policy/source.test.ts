import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyError } from '../../shared/policy/load.js';
import { policyFromEnv } from '../../shared/policy/source.js';

const doc = (rule: string) => `version: 1\nrules:\n  - name: ${rule}\n    match: { tag: a, exists: true }\n    mirror: { target: { slb: lb-a }, filter: tmf-a, priority: { min: 1, max: 9 } }\n`;
const dir = mkdtempSync(join(tmpdir(), 'automirror-source-'));
const cwd = process.cwd();
afterEach(() => process.chdir(cwd));

describe('policyFromEnv', () => {
  it('prefers the inline document in AUTOMIRROR_POLICY', () => {
    writeFileSync(join(dir, 'file.yaml'), doc('from-file'));
    const p = policyFromEnv({ AUTOMIRROR_POLICY: doc('inline'), AUTOMIRROR_POLICY_FILE: join(dir, 'file.yaml') });
    expect(p.rules[0].name).toBe('inline');
  });

  it('reads AUTOMIRROR_POLICY_FILE, else policy.yaml in the working directory', () => {
    writeFileSync(join(dir, 'file.yaml'), doc('from-file'));
    writeFileSync(join(dir, 'policy.yaml'), doc('default-file'));
    expect(policyFromEnv({ AUTOMIRROR_POLICY_FILE: join(dir, 'file.yaml') }).rules[0].name).toBe('from-file');
    process.chdir(dir);
    expect(policyFromEnv({}).rules[0].name).toBe('default-file');
  });

  it('refuses an invalid inline document, naming the variable as the source', () => {
    let err: unknown;
    try {
      policyFromEnv({ AUTOMIRROR_POLICY: doc('bad name') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).problems).toEqual([expect.stringMatching(/^AUTOMIRROR_POLICY:3:5 rules\[0\]\.name: expected a rule name/)]);
  });
});
