import { MEMBER_STATUSES } from './types.js';

/**
 * JSON Schema of the world file: localcloud's public interface (README "World file").
 * Every object is closed (`additionalProperties: false`) so a misspelt field is an error with its path.
 */
const tagMap = { type: 'object', additionalProperties: { type: 'string', maxLength: 128 } } as const;
const tagList = {
  type: 'array',
  items: { type: 'object', additionalProperties: false, required: ['key'], properties: { key: { type: 'string' }, value: { type: 'string' } } },
} as const;
const closed = (required: string[], properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required, properties }) as const;
const ids = (pattern: string) => ({ type: 'array', items: { type: 'string', pattern } }) as const;
const transitional = { enum: ['Creating', 'Created', 'Modifying', 'Deleting'] } as const;
const positive = (description: string) => ({ type: 'integer', minimum: 1, description }) as const;

const attachedEni = closed(['networkInterfaceId'], {
  networkInterfaceId: { type: 'string', pattern: '^eni-' },
  type: { enum: ['Primary', 'Secondary'] },
  status: { enum: ['Attaching', 'InUse', 'Detaching'] },
  name: { type: 'string' },
  description: { type: 'string' },
  primaryIpAddress: { type: 'string' },
  securityGroupIds: ids('^sg-'),
  deleteOnRelease: { type: 'boolean', description: 'Released with the instance (default: true for Primary, false for Secondary).' },
  tags: tagMap,
});

const freeEni = closed(['networkInterfaceId', 'vSwitchId'], {
  networkInterfaceId: { type: 'string', pattern: '^eni-' },
  vSwitchId: { type: 'string' },
  status: { enum: ['Available', 'Deleting'] },
  name: { type: 'string' },
  description: { type: 'string' },
  primaryIpAddress: { type: 'string' },
  securityGroupIds: ids('^sg-'),
  serviceManaged: { type: 'boolean' },
  deleteOnRelease: { type: 'boolean' },
  tags: tagMap,
});

const instance = closed(['instanceId', 'vSwitchId'], {
  instanceId: { type: 'string', pattern: '^i-' },
  instanceName: { type: 'string' },
  instanceType: { type: 'string', pattern: '^ecs\\.' },
  imageId: { type: 'string' },
  vSwitchId: { type: 'string' },
  status: { enum: ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped'], description: 'Pending and Starting boot on to Running.' },
  securityGroupIds: ids('^sg-'),
  tags: tagMap,
  networkInterfaces: { type: 'array', items: attachedEni },
});

const securityGroup = closed(['securityGroupId', 'vpcId'], {
  securityGroupId: { type: 'string', pattern: '^sg-' },
  securityGroupName: { type: 'string' },
  vpcId: { type: 'string' },
  ingress: {
    type: 'array',
    description: 'Inbound rules, kept for callers to check (e.g. UDP 4789 to a mirror target); localcloud does not enforce them.',
    items: closed(['ipProtocol', 'portRange'], {
      ipProtocol: { enum: ['tcp', 'udp', 'icmp', 'all'] },
      portRange: { type: 'string', pattern: '^-?\\d+/-?\\d+$' },
      sourceCidrIp: { type: 'string' },
      policy: { enum: ['accept', 'drop'] },
    }),
  },
});

const loadBalancer = closed(['loadBalancerId'], {
  loadBalancerId: { type: 'string', pattern: '^lb-' },
  loadBalancerName: { type: 'string' },
  addressType: { enum: ['intranet', 'internet'] },
  networkType: { enum: ['vpc', 'classic'] },
  vpcId: { type: 'string' },
  vSwitchId: { type: 'string' },
  address: { type: 'string' },
  loadBalancerStatus: { enum: ['active', 'inactive', 'locked'] },
  udpListenerPorts: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 } },
  tcpListenerPorts: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 } },
  tags: tagMap,
});

const filterRule = closed(['action', 'priority', 'protocol'], {
  action: { enum: ['accept', 'drop'] },
  priority: { type: 'integer', minimum: 1 },
  protocol: { enum: ['ALL', 'ICMP', 'TCP', 'UDP'] },
  sourceCidrBlock: { type: 'string' },
  destinationCidrBlock: { type: 'string' },
  sourcePortRange: { type: 'string' },
  destinationPortRange: { type: 'string' },
  ipVersion: { enum: ['IPv4', 'IPv6'] },
});

const filter = closed(['trafficMirrorFilterId'], {
  trafficMirrorFilterId: { type: 'string', pattern: '^tmf-' },
  trafficMirrorFilterName: { type: 'string' },
  trafficMirrorFilterDescription: { type: 'string' },
  trafficMirrorFilterStatus: transitional,
  resourceGroupId: { type: 'string' },
  ingressRules: { type: 'array', items: filterRule },
  egressRules: { type: 'array', items: filterRule },
  creationTime: { type: 'string' },
  tags: tagMap,
});

const session = closed(['trafficMirrorSessionId', 'priority', 'trafficMirrorFilterId', 'trafficMirrorTargetId', 'trafficMirrorTargetType', 'trafficMirrorSourceIds'], {
  trafficMirrorSessionId: { type: 'string', pattern: '^tms-' },
  trafficMirrorSessionName: { type: 'string' },
  trafficMirrorSessionDescription: { type: 'string' },
  trafficMirrorSessionStatus: transitional,
  trafficMirrorSessionBusinessStatus: { enum: ['Normal', 'FinancialLocked'] },
  enabled: { type: 'boolean' },
  priority: { type: 'integer', minimum: 1, maximum: 32766 },
  virtualNetworkId: { type: 'integer', minimum: 0, maximum: 16777215 },
  packetLength: { type: 'integer', minimum: 64, maximum: 8500 },
  trafficMirrorFilterId: { type: 'string' },
  trafficMirrorSourceIds: { type: 'array', items: { type: 'string' } },
  trafficMirrorTargetId: { type: 'string' },
  trafficMirrorTargetType: { enum: ['NetworkInterface', 'SLB'] },
  resourceGroupId: { type: 'string' },
  creationTime: { type: 'string' },
  tags: { oneOf: [tagMap, tagList] },
});

const lifecycleHook = closed(['lifecycleHookId'], {
  lifecycleHookId: { type: 'string', pattern: '^ash-' },
  lifecycleHookName: { type: 'string', minLength: 2, maxLength: 64 },
  lifecycleTransition: { enum: ['SCALE_OUT', 'SCALE_IN'] },
  defaultResult: { enum: ['CONTINUE', 'ABANDON', 'ROLLBACK'] },
  heartbeatTimeout: { type: 'integer', minimum: 30, maximum: 21600 },
  notificationArn: { type: 'string' },
  notificationMetadata: { type: 'string', maxLength: 128 },
});

const scalingGroup = closed(['scalingGroupId', 'vSwitchId'], {
  scalingGroupId: { type: 'string', pattern: '^asg-' },
  scalingGroupName: { type: 'string' },
  vSwitchId: { type: 'string' },
  instanceType: { type: 'string' },
  imageId: { type: 'string' },
  securityGroupIds: ids('^sg-'),
  instanceTags: tagMap,
  tags: tagMap,
  instanceIds: ids('^i-'),
  lifecycleHooks: { type: 'array', items: lifecycleHook },
});

const region = closed([], {
  vpcs: {
    type: 'array',
    items: closed(['vpcId'], {
      vpcId: { type: 'string', pattern: '^vpc-' },
      vSwitches: { type: 'array', items: closed(['vSwitchId', 'zoneId'], { vSwitchId: { type: 'string' }, zoneId: { type: 'string' } }) },
    }),
  },
  securityGroups: { type: 'array', items: securityGroup },
  instances: { type: 'array', items: instance },
  networkInterfaces: { type: 'array', items: freeEni },
  deletedNetworkInterfaceIds: { ...ids('^eni-'), description: 'ENIs that existed and were deleted: sessions may still name them (dangling sources).' },
  loadBalancers: { type: 'array', items: loadBalancer },
  trafficMirrorFilters: { type: 'array', items: filter },
  trafficMirrorSessions: { type: 'array', items: session },
  trafficMirrorServiceOpened: { type: 'boolean', description: 'Overrides options.trafficMirrorServiceOpened for this region.' },
  scalingGroups: { type: 'array', items: scalingGroup, description: 'Auto Scaling groups: what a scale-out launches, and their lifecycle hooks.' },
});

const rateLimit = closed([], {
  perMinute: { type: 'number', exclusiveMinimum: 0 },
  perSecond: { type: 'number', exclusiveMinimum: 0 },
  burst: { type: 'number', minimum: 1 },
});

export const rateLimitsSchema = {
  type: 'object',
  description:
    'Per-operation flow control, by "Action", "Product.Action" or "*" (every operation not named, in place of the defaults); false turns it off. Every operation has a default (CreateTrafficMirrorSession 600 per minute, as published; the others assumed, see localcloud/README.md).',
  additionalProperties: { oneOf: [rateLimit, { const: false }] },
} as const;

export const faultsSchema = {
  type: 'array',
  description: 'Injected faults per operation ("Action", "Product.Action" or "*"), applied in order.',
  items: closed(['operation'], {
    operation: { type: 'string', minLength: 1 },
    code: { type: 'string', minLength: 1 },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    message: { type: 'string' },
    rate: { type: 'number', minimum: 0, maximum: 1 },
    latencyMs: { type: 'integer', minimum: 0 },
    timeout: { oneOf: [{ type: 'boolean' }, { type: 'integer', minimum: 1 }] },
    drop: { type: 'boolean' },
    count: { type: 'integer', minimum: 1 },
  }),
} as const;

const options = closed([], {
  asyncDelayMs: { type: 'integer', minimum: 0, description: 'How long every asynchronous transition step takes (default 100).' },
  trafficMirrorServiceOpened: { type: 'boolean', description: 'Whether OpenTrafficMirrorService was already called, per region (default true).' },
  deletedSourceEni: { enum: ['dangling', 'remove'], description: 'A session whose source ENI is deleted keeps the id (dangling, default) or drops it.' },
  stateChangeShape: { enum: ['data', 'content'], description: 'ecs:Instance:StateChange fields under data (default) or data.content.' },
  quotas: closed([], {
    sourcesPerSession: positive('Traffic mirror sources per session (default 10).'),
    sourcesPerEniTarget: positive('Sources per ENI target on ordinary instance types (default 20).'),
    sourcesPerLargeEniTarget: positive('Sources per ENI target on the documented large instance types (default 200).'),
    rulesPerFilter: positive('Rules per traffic mirror filter (default 20).'),
  }),
  rateLimits: rateLimitsSchema,
  faults: faultsSchema,
  seed: { type: 'integer', description: 'Seed of fault rates and random VNIs (default 1).' },
  callLogLimit: positive('How many calls the call log keeps (default 100000).'),
});

const accountIdSchema = { type: 'string', pattern: '^[0-9]+$' } as const;
const roles = {
  type: 'array',
  description: 'RAM roles of the account, for STS AssumeRole.',
  items: closed(['roleName', 'trustedAccounts'], {
    roleName: { type: 'string', pattern: '^[A-Za-z0-9.-]{1,64}$' },
    trustedAccounts: { type: 'array', items: accountIdSchema, description: 'Accounts whose RAM users and roles the trust policy lets assume the role.' },
    maxSessionDuration: { type: 'integer', minimum: 3600, maximum: 43200, description: 'Most DurationSeconds an AssumeRole may ask (default 3600).' },
  }),
} as const;
const folderId = { type: 'string', pattern: '^(fd|r)-' } as const;

const accessKeys = {
  type: 'array',
  minItems: 1,
  items: closed(['accessKeyId', 'accessKeySecret'], {
    accessKeyId: { type: 'string', minLength: 1 },
    accessKeySecret: { type: 'string', minLength: 1 },
    securityToken: { type: 'string' },
    principal: closed(['type'], {
      type: { enum: ['root-account', 'ram-user', 'assumed-role'], description: "ActionTrail's userIdentity.type for this key's calls." },
      userName: { type: 'string', minLength: 1, maxLength: 129, description: 'A RAM user name, or <role>:<session> for an assumed role.' },
      principalId: { type: 'string', minLength: 1, maxLength: 129 },
    }),
  }),
} as const;
const regions = { type: 'object', minProperties: 1, propertyNames: { pattern: '^[a-z]+-[a-z0-9-]+$' }, additionalProperties: region } as const;

export const worldSchema = closed(['accountId', 'accessKeys', 'regions'], {
  $schema: { type: 'string' },
  accountId: accountIdSchema,
  accessKeys: { ...accessKeys, minItems: 1 },
  options,
  regions,
  roles,
  accounts: {
    type: 'array',
    description: 'Further accounts: each its own keys, regions and resources, RAM roles and rate limits.',
    items: closed(['accountId', 'regions'], { accountId: accountIdSchema, displayName: { type: 'string', maxLength: 50 }, accessKeys, regions, roles, rateLimits: rateLimitsSchema }),
  },
  resourceDirectory: closed(['members'], {
    resourceDirectoryId: { type: 'string', pattern: '^rd-' },
    rootFolderId: { type: 'string', pattern: '^r-' },
    folders: { type: 'array', items: closed(['folderId'], { folderId, folderName: { type: 'string' }, parentFolderId: folderId }) },
    members: { type: 'array', items: closed(['accountId'], { accountId: accountIdSchema, folderId, status: { enum: [...MEMBER_STATUSES] } }) },
  }),
});
