import type { AccessKey } from '../core/keyring.js';
import type { Fault } from '../pop/faults.js';
import type { RateLimits } from '../pop/throttle.js';
import type { CloudOptions, FilterRuleRec, InstanceStatus, LoadBalancerRec, SecurityGroupRuleRec, TransitionalStatus } from '../state.js';

/** The world file as parsed (see schema.ts, which is the authority on bounds and required fields). */
export type TagMap = Record<string, string>;
export type WorldTags = TagMap | Array<{ key: string; value?: string }>;

export interface WorldOptions {
  asyncDelayMs?: number;
  trafficMirrorServiceOpened?: boolean;
  deletedSourceEni?: CloudOptions['deletedSourceEni'];
  stateChangeShape?: CloudOptions['stateChangeShape'];
  quotas?: Partial<CloudOptions['quotas']>;
  rateLimits?: RateLimits;
  faults?: Fault[];
  seed?: number;
  callLogLimit?: number;
}

export interface WorldFile {
  $schema?: string;
  accountId: string;
  accessKeys: AccessKey[];
  options?: WorldOptions;
  regions: Record<string, WorldRegion>;
  /** RAM roles of the world's own account (STS AssumeRole into it). */
  roles?: WorldRole[];
  /** Further accounts, each with its own keys, regions, resources, roles and rate limits (localcloud/org). */
  accounts?: WorldAccount[];
  /** A Resource Directory whose management account is the world's own. */
  resourceDirectory?: WorldResourceDirectory;
}

export interface WorldRole {
  roleName: string;
  /** Accounts the role's trust policy names (`acs:ram::<account>:root`): their RAM users and roles may assume it. */
  trustedAccounts: string[];
  /** Seconds (default 3600): DurationSeconds may not exceed it. */
  maxSessionDuration?: number;
}

export interface WorldAccount {
  accountId: string;
  displayName?: string;
  accessKeys?: AccessKey[];
  regions: Record<string, WorldRegion>;
  roles?: WorldRole[];
  /** This account's flow control (limits are per account); default: the built-in defaults. */
  rateLimits?: RateLimits;
}

/**
 * A member's Status (GetAccount's API reference; the Create* states besides CreateSuccess from
 * terraform-provider-alicloud's alicloud_resource_manager_accounts, whose `status` filter lists them).
 */
export const MEMBER_STATUSES = [
  'CreateSuccess',
  'CreateVerifying',
  'CreateFailed',
  'CreateExpired',
  'CreateCancelled',
  'InviteSuccess',
  'PromoteVerifying',
  'PromoteFailed',
  'PromoteExpired',
  'PromoteCancelled',
  'PromoteSuccess',
] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface WorldResourceDirectory {
  resourceDirectoryId?: string;
  rootFolderId?: string;
  folders?: Array<{ folderId: string; folderName?: string; parentFolderId?: string }>;
  /** Member accounts (the management account is a member too, in the root folder); each from `accounts`. */
  /** `status`: the member's Status as ListAccounts reports it (default CreateSuccess). */
  members: Array<{ accountId: string; folderId?: string; status?: MemberStatus }>;
}

interface WorldEniCommon {
  networkInterfaceId: string;
  name?: string;
  description?: string;
  primaryIpAddress?: string;
  securityGroupIds?: string[];
  deleteOnRelease?: boolean;
  tags?: TagMap;
}

export interface WorldAttachedEni extends WorldEniCommon {
  type?: 'Primary' | 'Secondary';
  status?: 'Attaching' | 'InUse' | 'Detaching';
}

export interface WorldFreeEni extends WorldEniCommon {
  vSwitchId: string;
  status?: 'Available' | 'Deleting';
  serviceManaged?: boolean;
}

export interface WorldInstance {
  instanceId: string;
  instanceName?: string;
  instanceType?: string;
  imageId?: string;
  vSwitchId: string;
  status?: InstanceStatus;
  securityGroupIds?: string[];
  tags?: TagMap;
  networkInterfaces?: WorldAttachedEni[];
}

export type WorldFilterRule = Omit<FilterRuleRec, 'trafficMirrorFilterRuleId' | 'direction' | 'sourceCidrBlock' | 'destinationCidrBlock' | 'sourcePortRange' | 'destinationPortRange' | 'ipVersion'> &
  Partial<Pick<FilterRuleRec, 'sourceCidrBlock' | 'destinationCidrBlock' | 'sourcePortRange' | 'destinationPortRange' | 'ipVersion'>>;

export interface WorldFilter {
  trafficMirrorFilterId: string;
  trafficMirrorFilterName?: string;
  trafficMirrorFilterDescription?: string;
  trafficMirrorFilterStatus?: TransitionalStatus;
  resourceGroupId?: string;
  ingressRules?: WorldFilterRule[];
  egressRules?: WorldFilterRule[];
  creationTime?: string;
  tags?: TagMap;
}

export interface WorldSession {
  trafficMirrorSessionId: string;
  trafficMirrorSessionName?: string;
  trafficMirrorSessionDescription?: string;
  trafficMirrorSessionStatus?: TransitionalStatus;
  trafficMirrorSessionBusinessStatus?: 'Normal' | 'FinancialLocked';
  enabled?: boolean;
  priority: number;
  virtualNetworkId?: number;
  packetLength?: number;
  trafficMirrorFilterId: string;
  trafficMirrorSourceIds: string[];
  trafficMirrorTargetId: string;
  trafficMirrorTargetType: 'NetworkInterface' | 'SLB';
  resourceGroupId?: string;
  creationTime?: string;
  tags?: WorldTags;
}

export interface WorldLoadBalancer extends Partial<Omit<LoadBalancerRec, 'loadBalancerId' | 'tags' | 'creationTime'>> {
  loadBalancerId: string;
  tags?: TagMap;
}

export interface WorldLifecycleHook {
  lifecycleHookId: string;
  lifecycleHookName?: string;
  lifecycleTransition?: 'SCALE_OUT' | 'SCALE_IN';
  defaultResult?: 'CONTINUE' | 'ABANDON' | 'ROLLBACK';
  heartbeatTimeout?: number;
  notificationArn?: string;
  notificationMetadata?: string;
}

export interface WorldScalingGroup {
  scalingGroupId: string;
  scalingGroupName?: string;
  vSwitchId: string;
  instanceType?: string;
  imageId?: string;
  securityGroupIds?: string[];
  /** Tags a scale-out puts on the instances it launches (the scaling configuration's). */
  instanceTags?: TagMap;
  tags?: TagMap;
  /** Instances already in the group, InService. */
  instanceIds?: string[];
  lifecycleHooks?: WorldLifecycleHook[];
}

export interface WorldRegion {
  vpcs?: Array<{ vpcId: string; vSwitches?: Array<{ vSwitchId: string; zoneId: string }> }>;
  securityGroups?: Array<{
    securityGroupId: string;
    securityGroupName?: string;
    vpcId: string;
    ingress?: Array<Partial<SecurityGroupRuleRec> & Pick<SecurityGroupRuleRec, 'ipProtocol' | 'portRange'>>;
  }>;
  instances?: WorldInstance[];
  networkInterfaces?: WorldFreeEni[];
  deletedNetworkInterfaceIds?: string[];
  loadBalancers?: WorldLoadBalancer[];
  trafficMirrorFilters?: WorldFilter[];
  trafficMirrorSessions?: WorldSession[];
  trafficMirrorServiceOpened?: boolean;
  /** Auto Scaling groups (optional). */
  scalingGroups?: WorldScalingGroup[];
}
