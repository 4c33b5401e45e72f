import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PUBLISHED_SCHEMAS, schemaText } from './published-schemas.js';

// `npx tsx scripts/write-schemas.ts`: rewrites the published schemas from their definitions.
const ROOT = resolve(__dirname, '..');
for (const { file, schema } of PUBLISHED_SCHEMAS) {
  writeFileSync(join(ROOT, file), schemaText(schema));
  process.stdout.write(`wrote ${file}\n`);
}
