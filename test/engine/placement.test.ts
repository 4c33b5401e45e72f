import { describe, expect, it } from 'vitest';
import { goneReason, goneTargets } from '../../shared/engine/placement.js';

describe('targets the region no longer has', () => {
  const live = { slbs: new Set(['lb-live']), enis: new Set(['eni-live']) };

  it('are the CLBs and ENIs not found, each looked up among its own kind', () => {
    const targets = [
      { kind: 'SLB' as const, id: 'lb-live' },
      { kind: 'SLB' as const, id: 'lb-gone' },
      { kind: 'NetworkInterface' as const, id: 'eni-live' },
      { kind: 'NetworkInterface' as const, id: 'eni-gone' },
      { kind: 'SLB' as const, id: 'eni-live' },
    ];
    expect([...goneTargets(targets, live)]).toEqual(['SLB:lb-gone', 'NetworkInterface:eni-gone', 'SLB:eni-live']);
  });

  it('are named in the reason an ENI is withheld, in the singular or the plural', () => {
    expect(goneReason('web', ['SLB:lb-1'])).toBe("rule web's target SLB:lb-1 no longer exists in the region: nothing is mirrored until the policy names a live one");
    expect(goneReason('web', ['SLB:lb-1', 'SLB:lb-2'])).toBe("rule web's targets SLB:lb-1, SLB:lb-2 no longer exist in the region: nothing is mirrored until the policy names a live one");
  });
});
