import { cloudForAccount } from '../../shared/cloud/accounts.js';
import { type MnsConfig, MnsQueue, MnsTopic } from '../../shared/cloud/mns.js';
import { engineAdapters } from '../../shared/engine/call-policy.js';
import type { Clock } from '../../shared/engine/clock.js';
import type { AdaptersFor } from '../../shared/engine/ensure.js';
import { holdScaleOuts } from '../../shared/engine/lifecycle-hold.js';
import { encodeLifecycleRetry, type LifecycleWork } from '../../shared/events/lifecycle.js';
import type { Logger } from '../../shared/middleware/logger.js';
import type { Policy } from '../../shared/policy/types.js';
import type { Settings } from '../../shared/settings.js';

/** The report topic's message tag for a scale-out let serve unmirrored or released: subscribers can filter on it. */
export const LIFECYCLE_TAG = 'lifecycle-hook';

interface Deps {
  readonly policy: Policy;
  readonly adaptersFor: AdaptersFor;
  readonly mns: MnsConfig;
  readonly settings: Settings;
  readonly log: Logger;
  readonly clock: Clock;
}

/**
 * Held scale-outs → the engine's hold (holdScaleOuts), its platform acts here: a requeue goes on the deferral queue
 * with the usual delay, and a wait that ended without mirroring is logged and reported on the report topic.
 */
export async function settleScaleOuts(works: readonly LifecycleWork[], d: Deps, opts: { runId: string; deadline?: number }) {
  if (works.length === 0) return [];
  const queue = new MnsQueue(d.mns, d.settings.deferQueue);
  const deployment = { accountId: d.mns.accountId, cloud: d.mns };
  const held = await holdScaleOuts(
    works,
    {
      policy: d.policy,
      adaptersFor: d.adaptersFor,
      essFor: (accountId, regionId) => {
        const cloud = cloudForAccount(deployment, accountId, regionId);
        return cloud && engineAdapters(cloud, { clock: d.clock }).ess;
      },
      requeue: async (w) => {
        await queue.send(encodeLifecycleRetry(w), d.settings.deferDelaySeconds);
      },
      now: () => d.clock.now(),
    },
    { runId: opts.runId, deadline: opts.deadline, clock: d.clock },
  );
  const view = held.map((h) => ({ scalingGroupId: h.work.scalingGroupId, instanceIds: h.work.instanceIds, verdict: h.verdict.kind, why: h.verdict.why, result: h.result, action: h.action }));
  const topic = new MnsTopic(d.mns, d.settings.reportTopic);
  for (const v of view) {
    if (v.verdict !== 'give-up') {
      d.log.info('scale-out held until mirrored', v);
      continue;
    }
    // Serving unmirrored (or released) is a security team's business: said at once, not only in the hourly report.
    d.log.warn(`scale-out could not be mirrored before it served: ${v.result === 'ABANDON' ? 'its instances were abandoned' : 'let serve unmirrored'}`, v);
    await topic.publish(JSON.stringify({ automirror: 'lifecycle', ...v }), LIFECYCLE_TAG);
  }
  return view;
}
