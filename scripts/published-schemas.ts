import { policySchema } from '../shared/policy/json-schema.js';
import { reportSchema } from '../shared/report/schema.js';

/**
 * The JSON Schemas published at the repository root, for editors (policy.yaml names its schema in a
 * `# yaml-language-server: $schema=` comment) and for consumers of the drift report. scripts/write-schemas.ts writes
 * them; test/schemas/published.test.ts fails when one differs from its definition.
 */
export const PUBLISHED_SCHEMAS = [
  { file: 'policy.schema.json', schema: policySchema },
  { file: 'report.schema.json', schema: reportSchema },
] as const;

/** A schema as its file holds it: the JSON the CLI prints (`automirror policy schema`), two-space indented. */
export const schemaText = (schema: object): string => `${JSON.stringify(schema, null, 2)}\n`;
