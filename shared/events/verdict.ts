import type { TagWrite } from '../domain.js';
import type { Provenance } from '../engine/respond-unapproved.js';
import type { LifecycleWork } from './lifecycle.js';

/** What one event amounts to: ids to reconcile, a session to check, or a reason it needs nothing, or a reason it is unusable. */
export type Verdict =
  | {
      readonly kind: 'reconcile';
      /** The account, when the event itself says (deferred work); else the envelope's or the deployment's. */
      readonly accountId?: string;
      readonly regionId?: string;
      readonly instanceIds: readonly string[];
      readonly eniIds: readonly string[];
      readonly why: string;
      /** Times this work was deferred before (deferral-queue messages only). */
      readonly attempt?: number;
      /** Deferred work's deterministic key: two messages with the same key are the same work. */
      readonly workKey?: string;
      /** Tag writes the event records (who set which keys): the facts an opt-out is judged on. */
      readonly tagWrites?: readonly TagWrite[];
    }
  | {
      /** A traffic mirror session someone wrote: read it and classify it (unapproved mirroring). */
      readonly kind: 'check-session';
      readonly regionId?: string;
      readonly sessionId: string;
      readonly why: string;
      readonly provenance: Provenance;
    }
  | {
      /** A scale-out held by our lifecycle hook: mirror its instances, then end the wait. */
      readonly kind: 'lifecycle';
      readonly work: LifecycleWork;
      readonly why: string;
    }
  | { readonly kind: 'ignored'; readonly why: string }
  | { readonly kind: 'bad'; readonly why: string };

export const reconcile = (why: string, ids: { instanceIds?: string[]; eniIds?: string[]; regionId?: string; tagWrites?: readonly TagWrite[] }): Verdict => ({
  kind: 'reconcile',
  regionId: ids.regionId,
  instanceIds: ids.instanceIds ?? [],
  eniIds: ids.eniIds ?? [],
  why,
  ...(ids.tagWrites && ids.tagWrites.length > 0 && { tagWrites: ids.tagWrites }),
});
export const ignored = (why: string): Verdict => ({ kind: 'ignored', why });
export const bad = (why: string): Verdict => ({ kind: 'bad', why });
