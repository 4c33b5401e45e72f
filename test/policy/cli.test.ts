import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'automirror-policy-'));

function check(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/automirror.mjs'), 'policy', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('automirror policy check', () => {
  it('summarises a valid policy and exits 0', () => {
    const r = check('check', 'policy.yaml');
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'policy.yaml: OK, 1 rule, evaluated in order (the first match wins)',
        '  opt-out: tag automirror=off, on the ENI or its instance, always wins',
        '  sources per session: 10',
        '  1. mirror-tagged: mirror=on; all ENIs',
        '     priority 1000–1999 → SLB lb-collector01 (500 sources); filter tmf-allipv4; one session per ENI; VNI chosen by the cloud; packets 1500 bytes; enabled',
        '',
      ].join('\n'),
    });
  });

  it('shows pools, scope, layouts and VNIs', () => {
    const path = file(
      'pool.yaml',
      `version: 1
quotas: { sourcesPerSession: 20 }
rules:
  - name: prod-web
    match:
      any: [{ tag: env, equals: prod }, { tag: env, prefix: stg- }]
      scope: { regions: [cn-hangzhou], instanceTypeFamilies: [ecs.g7] }
      enis: primary
    mirror:
      pool: [{ slb: lb-a, zone: cn-hangzhou-h }, { eni: eni-t, capacity: 50 }]
      filter: tmf-web
      vni: 77
      enabled: false
      priority: { min: 5, max: 9 }
      layout: { pooled: 20 }
`,
    );
    const r = check('check', path);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  opt-out: none\n  sources per session: 20\n');
    expect(r.stdout).toContain('  1. prod-web: any of (env=prod, env starting with stg-); regions cn-hangzhou; instanceTypeFamilies ecs.g7; primary ENIs only\n');
    expect(r.stdout).toContain(
      '     priority 5–9 → SLB lb-a (500 sources, cn-hangzhou-h), NetworkInterface eni-t (50 sources); filter tmf-web; pooled sessions of up to 20 ENIs; VNI 77; packets 1500 bytes; DISABLED\n',
    );
  });

  it('lists every problem with its position and exits 1', () => {
    const path = file(
      'bad.yaml',
      `version: 1
rules:
  - name: web
    match: { tag: env, in: [] }
    mirror:
      target: { slb: lb-a }
      filter: tmf-a
      priority: { min: 1000, max: 40000 }
`,
    );
    const r = check('check', path);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        `${path}:4:24 rules[0].match.in: expected a non-empty list, got an empty list`,
        `${path}:8:30 rules[0].mirror.priority.max: expected an integer 1–32766, got 40000`,
        `${path}: refused, 2 problems; nothing in it would be applied`,
        '',
      ].join('\n'),
    );
  });

  it('a policy with thousands of problems: 200 listed, the total counted, hostile text defused', () => {
    // Keys holding an escape sequence, a bidi override and a C1 CSI: YAML double-quoted escapes, so the file is text.
    const fields = Array.from({ length: 5_000 }, (_, i) => `    "k${i}\\e[2J\\u202e\\x9b": 1`).join('\n');
    const path = file('many.yaml', `version: 1\nrules:\n  - name: web\n${fields}\n`);
    const r = check('check', path);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines).toHaveLength(203);
    expect(lines[200]).toBe('… and 4802 more problems');
    expect(lines[201]).toBe(`${path}: refused, 5002 problems; nothing in it would be applied`);
    expect(r.stderr).not.toMatch(/[\u001b\u009b\u202e]/);
    expect(lines[0]).toContain('\uFFFD');
  });

  it('says when the file cannot be read, and exits 1', () => {
    const r = check('check', join(dir, 'missing.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.yaml: ENOENT: no such file or directory/);
  });

  it.each([
    [[], 'expected a subcommand: check, schema'],
    [['lint', 'policy.yaml'], 'unknown subcommand "lint"'],
    [['check'], 'expected exactly one FILE'],
    [['check', 'a.yaml', 'b.yaml'], 'expected exactly one FILE'],
    [['schema', 'policy.yaml'], 'schema takes no FILE'],
  ])('refuses %j as a usage error, exit 2', (args, message) => {
    const r = check(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`automirror policy: ${message}\nusage: automirror policy check FILE [--json] | automirror policy schema\nsee: automirror help policy\n`);
  });
});

describe('automirror policy check --json', () => {
  it('a valid policy: one document, exit 0, as the README shows it', () => {
    const r = check('check', 'policy.yaml', '--json');
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: `${JSON.stringify({ file: 'policy.yaml', valid: true, count: 0, problems: [], rules: ['mirror-tagged'] }, null, 2)}\n`,
    });
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\`\`\`json\n${r.stdout}\`\`\``);
  });

  it('an invalid one: each problem with its position, field and path, exit 1, nothing on stderr', () => {
    const path = file('bad-json.yaml', 'version: 1\nrules:\n  - name: web\n    match: { tag: env, in: [] }\n    mirror: { target: { slb: lb-a }, filter: tmf-a, priority: { min: 1, max: 40000 } }\n');
    const r = check('check', path, '--json');
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(JSON.parse(r.stdout)).toEqual({
      file: path,
      valid: false,
      count: 2,
      problems: [
        { line: 4, col: 24, field: 'rules[0].match.in', path: ['rules', 0, 'match', 'in'], message: 'expected a non-empty list, got an empty list' },
        { line: 5, col: 73, field: 'rules[0].mirror.priority.max', path: ['rules', 0, 'mirror', 'priority', 'max'], message: 'expected an integer 1–32766, got 40000' },
      ],
    });
  });

  it('a problem of the text has a position and no field; an unreadable file is a failure, not a problem', () => {
    const r = check('check', file('dup.yaml', 'version: 1\nversion: 1\n'), '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems).toEqual([{ line: 2, col: 1, message: 'Map keys must be unique' }]);
    const missing = check('check', join(dir, 'missing.yaml'), '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({ error: { kind: 'failed', message: expect.stringMatching(/^cannot read \S*missing\.yaml: ENOENT: /), code: 'ENOENT' } });
  });

  it('thousands of problems: 200 listed, all counted, hostile keys escaped', () => {
    const fields = Array.from({ length: 5_000 }, (_, i) => `    "k${i}\\e[2J\\u202e\\x9b": 1`).join('\n');
    const r = check('check', file('many-json.yaml', `version: 1\nrules:\n  - name: web\n${fields}\n`), '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/[\u001b\u009b\u202e]/);
    const doc = JSON.parse(r.stdout);
    expect([doc.count, doc.problems.length]).toEqual([5002, 200]);
    expect(doc.problems[0].path).toEqual(['rules', 0, 'k0\u001b[2J\u202e\u009b']);
  });
});

describe('automirror policy schema', () => {
  it('prints policy.schema.json, exit 0', () => {
    expect(check('schema')).toEqual({ code: 0, stderr: '', stdout: readFileSync(join(ROOT, 'policy.schema.json'), 'utf8') });
  });
});
