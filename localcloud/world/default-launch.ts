/** What RunInstances needs to launch into worlds/default.json (its image, type, vSwitch and security group): shared by the demo and the tests. */
export const DEFAULT_LAUNCH = {
  regionId: 'cn-hangzhou',
  imageId: 'aliyun_3_x64_20G_alibase_20240819.vhd',
  instanceType: 'ecs.g7.large',
  vSwitchId: 'vsw-prod-h',
  securityGroupId: 'sg-prod01',
} as const;
