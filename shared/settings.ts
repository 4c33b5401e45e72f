/**
 * Names and knobs shared by the functions (read from their environment, set in s.yaml) and by the CLI's setup
 * step (which creates what s.yaml cannot). One place, so the two can't disagree.
 */
export interface Settings {
  readonly onEventFunction: string;
  readonly ecsTrigger: string;
  /** Work that can't be done yet waits here (with a delay) and comes back through on-event's queue trigger. */
  readonly deferQueue: string;
  /** FC's onFailure destination for events that failed all async retries; the reconcile drains it into its report. */
  readonly failedQueue: string;
  readonly reportTopic: string;
  /** Seconds a deferred piece of work waits before it is tried again. */
  readonly deferDelaySeconds: number;
  /** Deferrals before work is given up on (and left to the scheduled reconcile, which reports it). */
  readonly maxDeferrals: number;
}

export const DEFAULT_SETTINGS: Settings = {
  onEventFunction: 'automirror-on-event',
  ecsTrigger: 'automirror-ecs-events',
  deferQueue: 'automirror-deferred',
  failedQueue: 'automirror-failed',
  reportTopic: 'automirror-reports',
  deferDelaySeconds: 30,
  maxDeferrals: 10,
};

const int = (v: string | undefined, dflt: number) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : dflt);

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    onEventFunction: env.AUTOMIRROR_ON_EVENT_FUNCTION || DEFAULT_SETTINGS.onEventFunction,
    ecsTrigger: env.AUTOMIRROR_ECS_TRIGGER || DEFAULT_SETTINGS.ecsTrigger,
    deferQueue: env.AUTOMIRROR_DEFER_QUEUE || DEFAULT_SETTINGS.deferQueue,
    failedQueue: env.AUTOMIRROR_FAILED_QUEUE || DEFAULT_SETTINGS.failedQueue,
    reportTopic: env.AUTOMIRROR_REPORT_TOPIC || DEFAULT_SETTINGS.reportTopic,
    deferDelaySeconds: Math.min(604_800, int(env.AUTOMIRROR_DEFER_DELAY_SECONDS, DEFAULT_SETTINGS.deferDelaySeconds)),
    maxDeferrals: int(env.AUTOMIRROR_MAX_DEFERRALS, DEFAULT_SETTINGS.maxDeferrals),
  };
}
