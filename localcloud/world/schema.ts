/**
 * JSON Schema of the world file: localcloud's public interface (README "World file").
 * Every object is closed (`additionalProperties: false`) so a misspelt field is an error with its path.
 */
const tagMap = { type: 'object', additionalProperties: { type: 'string', maxLength: 128 } } as const;
const tagList = {
  type: 'array',
  items: { type: 'object', additionalProperties: false, required: ['key'], properties: { key: { type: 'string' }, value: { type: 'string' } } },
} as const;
const closed = (required: string[], properties: Record<string, unknown>) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;

const attachedEni = closed(['networkInterfaceId'], {
  networkInterfaceId: { type: 'string', pattern: '^eni-' },
  type: { enum: ['Primary', 'Secondary'] },
  name: { type: 'string' },
  primaryIpAddress: { type: 'string' },
  tags: tagMap,
});

const freeEni = closed(['networkInterfaceId', 'vSwitchId'], {
  networkInterfaceId: { type: 'string', pattern: '^eni-' },
  vSwitchId: { type: 'string' },
  status: { enum: ['Available', 'Attaching', 'InUse', 'Detaching', 'Deleting'] },
  name: { type: 'string' },
  primaryIpAddress: { type: 'string' },
  serviceManaged: { type: 'boolean' },
  tags: tagMap,
});

const instance = closed(['instanceId', 'vSwitchId'], {
  instanceId: { type: 'string', pattern: '^i-' },
  instanceName: { type: 'string' },
  instanceType: { type: 'string', pattern: '^ecs\\.' },
  vSwitchId: { type: 'string' },
  status: { enum: ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped'] },
  tags: tagMap,
  networkInterfaces: { type: 'array', items: attachedEni },
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

const filter = closed(['trafficMirrorFilterId'], {
  trafficMirrorFilterId: { type: 'string', pattern: '^tmf-' },
  trafficMirrorFilterName: { type: 'string' },
  trafficMirrorFilterDescription: { type: 'string' },
  tags: tagMap,
});

const session = closed(
  ['trafficMirrorSessionId', 'priority', 'trafficMirrorFilterId', 'trafficMirrorTargetId', 'trafficMirrorTargetType', 'trafficMirrorSourceIds'],
  {
    trafficMirrorSessionId: { type: 'string', pattern: '^tms-' },
    trafficMirrorSessionName: { type: 'string' },
    trafficMirrorSessionDescription: { type: 'string' },
    trafficMirrorSessionStatus: { enum: ['Creating', 'Created', 'Modifying', 'Deleting'] },
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
  },
);

const region = closed([], {
  vpcs: {
    type: 'array',
    items: closed(['vpcId'], {
      vpcId: { type: 'string', pattern: '^vpc-' },
      vSwitches: { type: 'array', items: closed(['vSwitchId', 'zoneId'], { vSwitchId: { type: 'string' }, zoneId: { type: 'string' } }) },
    }),
  },
  instances: { type: 'array', items: instance },
  networkInterfaces: { type: 'array', items: freeEni },
  loadBalancers: { type: 'array', items: loadBalancer },
  trafficMirrorFilters: { type: 'array', items: filter },
  trafficMirrorSessions: { type: 'array', items: session },
});

const options = closed([], {
  asyncDelayMs: { type: 'integer', minimum: 0, description: 'How long Creating/Modifying/Deleting take to settle (default 100).' },
  trafficMirrorServiceOpened: { type: 'boolean', description: 'Whether OpenTrafficMirrorService was already called (default true).' },
});

export const worldSchema = closed(['accountId', 'accessKeys', 'regions'], {
  $schema: { type: 'string' },
  accountId: { type: 'string', pattern: '^[0-9]+$' },
  accessKeys: {
    type: 'array',
    minItems: 1,
    items: closed(['accessKeyId', 'accessKeySecret'], {
      accessKeyId: { type: 'string', minLength: 1 },
      accessKeySecret: { type: 'string', minLength: 1 },
      securityToken: { type: 'string' },
    }),
  },
  options,
  regions: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[a-z]+-[a-z0-9-]+$' }, additionalProperties: region },
});
