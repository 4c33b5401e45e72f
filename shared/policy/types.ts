import type { MirrorTarget, PriorityBand } from '../domain.js';

/** A tag policy: which ENIs are mirrored, and how. Rules are evaluated in order; the first match wins. */
export interface Policy {
  readonly version: 1;
  /** A tag that, on the ENI or its instance, always excludes it. */
  readonly optOut?: { readonly key: string; readonly value?: string };
  readonly rules: readonly Rule[];
}

export interface Rule {
  readonly name: string;
  /** Every listed tag must be present with that value; ENI tags override instance tags for the same key. */
  readonly matchTags: Readonly<Record<string, string>>;
  readonly mirror: {
    readonly target: MirrorTarget;
    readonly filterId: string;
    readonly vni?: number;
    readonly packetLength: number;
    readonly enabled: boolean;
    readonly priority: PriorityBand;
  };
}
