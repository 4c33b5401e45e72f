import { REGION_ID, REGION_ID_MAX } from '../domain.js';
import type { TextFormat } from './problems.js';

/** The shapes of the names and ids a policy holds, as the cloud documents them (VPC and ECS API references). */

/**
 * Rule names become the value of the session tag `automirror:rule`: a tag value, kept to a charset safe everywhere.
 * Spelled without the `i` flag (`aliyun` in any case) so that it is also the JSON Schema's pattern (json-schema.ts).
 */
export const RULE_NAME: TextFormat = {
  what: 'a rule name (letters, digits, ".", "_", "-"; starting with a letter or digit; not starting with "aliyun")',
  max: 128,
  pattern: /^(?![Aa][Ll][Ii][Yy][Uu][Nn])[A-Za-z0-9][A-Za-z0-9._-]*$/,
};

export const TAG_KEY: TextFormat = { what: 'a tag key', max: 128 };
export const TAG_VALUE: TextFormat = { what: 'a tag value', min: 0, max: 128 };
export const TAG_PREFIX: TextFormat = { what: 'a tag value prefix', max: 128 };

export const REGION: TextFormat = { what: 'a region id like cn-hangzhou', max: REGION_ID_MAX, pattern: REGION_ID };
export const ZONE: TextFormat = { what: 'a zone id like cn-hangzhou-h', max: 64, pattern: /^[a-z]{2}(-[a-z0-9]+)+$/ };
export const VPC_ID: TextFormat = { what: 'a VPC id like vpc-…', max: 64, pattern: /^vpc-[a-z0-9]+$/ };
export const VSWITCH_ID: TextFormat = { what: 'a vSwitch id like vsw-…', max: 64, pattern: /^vsw-[a-z0-9]+$/ };
export const INSTANCE_TYPE_FAMILY: TextFormat = { what: 'an instance type family like ecs.g7 (not a full type like ecs.g7.large)', max: 64, pattern: /^ecs\.[a-z0-9-]+$/ };

export const SLB_ID: TextFormat = { what: 'an internal CLB id like lb-…', max: 64, pattern: /^lb-[a-z0-9]+$/ };
export const ENI_ID: TextFormat = { what: 'an ENI id like eni-…', max: 64, pattern: /^eni-[a-z0-9]+$/ };
export const INSTANCE_ID: TextFormat = { what: 'an ECS instance id like i-…', max: 64, pattern: /^i-[a-z0-9]+$/ };
export const FILTER_ID: TextFormat = { what: 'a traffic mirror filter id like tmf-…', max: 64, pattern: /^tmf-[a-z0-9]+$/ };

export const SESSION_NAME: TextFormat = { what: 'a session name template', max: 128 };
export const SCALING_GROUP_ID: TextFormat = { what: 'an Auto Scaling group id like asg-…', max: 64, pattern: /^asg-[a-z0-9]+$/ };
