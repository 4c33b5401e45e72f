import { readFileSync } from 'node:fs';

/** The version of this checkout: package.json's, the one place it is set. */
export const version = (): string => (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
