import { isEniId, isObj, own, quote } from './ids.js';
import { bad, reconcile, type Verdict } from './verdict.js';

const ENI_IN_ARN = /\/(eni-[a-z0-9]{1,48})$/;

/**
 * ecs:NetworkInterface:NetworkInterfaceOperateCompleted (create, delete, attach, detach of a secondary ENI). Only
 * the start of the documented sample is known (ECS "ENI operation event notifications",
 * help.aliyun.com/en/ecs/user-guide/eni-operation-event-notifications), so the ENI id is taken from the
 * fields such events carry elsewhere: a bare id, or the ENI's ARN in resourceId.
 */
export function eniOperationCompleted(data: unknown, label: string): Verdict {
  if (!isObj(data)) return bad(`${label} has no data object`);
  const content = own(data, 'content');
  const candidates = [own(data, 'networkInterfaceId'), own(data, 'eniId'), own(content, 'networkInterfaceId'), own(content, 'eniId'), own(content, 'resourceId'), own(data, 'resourceId')];
  for (const c of candidates) {
    if (isEniId(c)) return reconcile(`network interface ${c} operation completed`, { eniIds: [c] });
    const m = typeof c === 'string' ? ENI_IN_ARN.exec(c) : null;
    if (m) return reconcile(`network interface ${m[1]} operation completed`, { eniIds: [m[1]] });
  }
  return bad(`${label} names no network interface (${quote(own(data, 'resourceId'))})`);
}
