import { newOwnershipKey, OWNERSHIP_KEYS_ENV } from '../../shared/cloud/ownership-keys.js';
import { UsageError } from '../args.js';

export const usage = 'automirror keygen   (prints a fresh ownership key, kid:secret, for AUTOMIRROR_OWNERSHIP_KEYS)';

/** A fresh ownership key on stdout (nothing else there, so it can be captured); how to use it on stderr. */
export async function keygenCommand(argv: string[]): Promise<number> {
  if (argv.length > 0) throw new UsageError(`unexpected argument "${argv[0]}"`);
  process.stdout.write(`${newOwnershipKey()}\n`);
  process.stderr.write(`put it first in ${OWNERSHIP_KEYS_ENV} (comma-separated, the first signs, all verify), for the functions (s deploy) and the CLI alike\n`);
  return 0;
}
