import { UnTagResourcesRequest } from '@alicloud/vpc20160428/dist/models/UnTagResourcesRequest';
import { UnTagResourcesResponse } from '@alicloud/vpc20160428/dist/models/UnTagResourcesResponse';
import type { CloudConfig } from '../../shared/cloud/config.js';
import { cloudCall } from '../../shared/cloud/errors.js';
import { PopClient, VPC } from '../../shared/cloud/pop-client.js';
import { INSTANCE_TAG, OWNER_TAG, PROOF_TAG, RULE_TAG } from '../../shared/engine/ownership.js';

/** Every tag that makes a session automirror's: the claim, its rule and instance, and the proof. */
export const OWNERSHIP_TAG_KEYS = [OWNER_TAG, RULE_TAG, INSTANCE_TAG, PROOF_TAG] as const;

/**
 * Removes automirror's ownership tags from a session (VPC UnTagResources, ResourceType TRAFFICMIRRORSESSION), so it
 * claims nothing and automirror leaves it alone from then on. Only `automirror release` calls this, with the
 * operator's keys: the functions never hand a session back, and their role does not grant vpc:UnTagResources.
 */
export async function releaseSession(cfg: CloudConfig, sessionId: string): Promise<void> {
  const req = new UnTagResourcesRequest({ regionId: cfg.regionId, resourceType: 'TRAFFICMIRRORSESSION', resourceId: [sessionId], tagKey: [...OWNERSHIP_TAG_KEYS] });
  await cloudCall(() => new PopClient(VPC, cfg).call('UnTagResources', req, new UnTagResourcesResponse({})));
}
