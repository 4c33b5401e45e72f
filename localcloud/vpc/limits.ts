/** Fixed traffic-mirroring limits (VPC "Quotas" and "Traffic mirroring overview"); adjustable quotas are world options (state.ts Quotas). */
export const LIMITS = {
  sessionsPerSourceEni: 3,
  sourcesPerSlbTarget: 500,
  sessionsPerRegion: 20_000,
  filtersPerRegion: 100,
  sessionsPerFilter: 2_000,
  rulesPerDirectionPerCreate: 10,
  removeSourcesPerCall: 10,
  idsPerList: 100,
  tagsPerCall: 20,
} as const;

/** ENI targets on these instance types take the "large" sources quota (200 by default instead of 20). */
export const LARGE_TARGET_TYPES: ReadonlySet<string> = new Set(
  [
    'ebmc7.32xlarge', 'ebmg7.32xlarge', 'ebmr7.32xlarge', 'ebmhfg7.48xlarge', 'ebmhfc7.48xlarge', 'ebmhfr7.48xlarge',
    'ebmc7a.64xlarge', 'ebmg7a.64xlarge', 'ebmr7a.64xlarge', 'ebmg7se.32xlarge', 'ebmg6a.64xlarge', 'ebmc6a.64xlarge',
    'ebmr6a.64xlarge', 'ebmg6e.26xlarge', 'ebmc6e.26xlarge', 'ebmr6e.26xlarge', 'c8i.48xlarge', 'g8i.48xlarge',
    'c7nex.32xlarge', 'g7nex.32xlarge', 'g7ne.24xlarge', 'c7.32xlarge', 'g7.32xlarge', 'r7.32xlarge', 'r6e.26xlarge',
    'g7t.32xlarge', 'c7t.32xlarge', 'r7t.32xlarge', 'g6t.26xlarge', 'c6t.26xlarge', 'g6e.26xlarge', 'c6e.26xlarge',
    'g5ne.18xlarge',
  ].map((t) => `ecs.${t}`),
);
