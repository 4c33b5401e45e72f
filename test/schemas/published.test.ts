import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_SCHEMAS, schemaText } from '../../scripts/published-schemas.js';

const ROOT = new URL('../..', import.meta.url);

describe('the JSON Schemas published at the repository root', () => {
  it.each(PUBLISHED_SCHEMAS.map((s) => [s.file, s.schema] as const))('%s is its definition (npx tsx scripts/write-schemas.ts rewrites it)', (file, schema) => {
    const text = readFileSync(new URL(file, ROOT), 'utf8');
    expect(text, `${file} differs from its definition: run npx tsx scripts/write-schemas.ts`).toBe(schemaText(schema));
  });
});
