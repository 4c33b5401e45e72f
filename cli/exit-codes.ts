/** The exit codes of `automirror`: the one table, shown by `automirror --help` and in the README. */
export const OK = 0;
/** The cloud refused, a change failed, a saved plan is stale, a resource is missing, apply refused without approval. */
export const FAILED = 1;
/** A usage error: an unknown command or flag, a missing or malformed value. */
export const USAGE = 2;
/** `plan --detailed-exitcode` only: the plan has changes (as Terraform's). */
export const CHANGES = 2;
/** `report --fail-under PCT`: coverage below the threshold. */
export const BELOW_THRESHOLD = 3;

export const EXIT_CODES: readonly { readonly code: number; readonly meaning: string }[] = [
  { code: OK, meaning: 'success; with plan --detailed-exitcode: nothing to do' },
  { code: FAILED, meaning: 'the cloud refused, a change failed, a saved plan is stale, a resource does not exist, or apply was not approved' },
  { code: USAGE, meaning: 'usage error (unknown command or flag, missing or malformed value); with plan --detailed-exitcode: changes planned' },
  { code: BELOW_THRESHOLD, meaning: 'report --fail-under PCT: coverage below the threshold' },
];
