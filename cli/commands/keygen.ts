import { newOwnershipKey, OWNERSHIP_KEYS_ENV } from '../../shared/cloud/ownership-keys.js';
import { COMMON_FLAGS, parseFlags, UsageError } from '../args.js';
import type { CommandSpec } from '../command.js';
import { writeJson } from '../output.js';

/** A fresh ownership key on stdout (nothing else there, so it can be captured; --json: as {"key"}); how to use it on stderr. */
export async function keygenCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, COMMON_FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const key = newOwnershipKey();
  if (values.json) writeJson({ key, env: OWNERSHIP_KEYS_ENV });
  else process.stdout.write(`${key}\n`);
  process.stderr.write(`put it first in ${OWNERSHIP_KEYS_ENV} (comma-separated, the first signs, all verify), for the functions (s deploy) and the CLI alike\n`);
  return 0;
}

export const command: CommandSpec = {
  name: 'keygen',
  summary: 'prints a fresh ownership key kid:secret for AUTOMIRROR_OWNERSHIP_KEYS',
  description: [
    'A new random key (a key id and 32 random bytes) on stdout and nothing else there, so it can be captured; how to',
    'use it on stderr. The first key of AUTOMIRROR_OWNERSHIP_KEYS signs proofs, all of them verify (rotation).',
  ].join('\n'),
  usage: 'automirror keygen',
  flags: COMMON_FLAGS,
  examples: [{ command: 'export AUTOMIRROR_OWNERSHIP_KEYS="$(automirror keygen),$AUTOMIRROR_OWNERSHIP_KEYS"', what: 'rotates in a new signing key, the old ones still verify' }],
  run: keygenCommand,
};
