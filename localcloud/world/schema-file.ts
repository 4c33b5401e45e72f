import { worldSchema } from './schema.js';

/**
 * The text of worlds/world.schema.json: the world schema for editors (a world names it in `$schema`), with every
 * option's description. A test keeps the file equal to schema.ts.
 */
export function worldSchemaFileText(): string {
  return `${JSON.stringify({ $id: 'world.schema.json', title: 'localcloud world', ...worldSchema }, null, 2)}\n`;
}
