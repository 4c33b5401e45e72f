import type { MirrorSpec } from '../domain.js';

/** One change the engine wants made, with the reason a person reads in logs, plans and reports. */
export type Action =
  | { readonly kind: 'create'; readonly eniId: string; readonly spec: MirrorSpec; readonly reason: string }
  | { readonly kind: 'delete'; readonly sessionId: string; readonly reason: string };

export type Outcome =
  | { readonly action: Action; readonly status: 'done'; readonly sessionId: string; readonly priority?: number }
  | { readonly action: Action; readonly status: 'converged'; readonly sessionId: string; readonly detail: string }
  | { readonly action: Action; readonly status: 'failed'; readonly error: string; readonly retryable: boolean };
