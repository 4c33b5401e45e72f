import { createHash } from 'node:crypto';

/** VXLAN's 24-bit VNI (VPC CreateTrafficMirrorSession VirtualNetworkId: 0–16777215). */
export const MAX_VNI = 0xff_ffff;

/**
 * A rule's own VNI (`vni: per-rule`): the first 24 bits of SHA-256 of the rule name, a number in 0–16777215 that every
 * evaluation, in every function and region, derives alike, so collectors can tell rules apart without bookkeeping.
 */
export const perRuleVni = (rule: string): number => createHash('sha256').update(rule, 'utf8').digest().readUIntBE(0, 3);
