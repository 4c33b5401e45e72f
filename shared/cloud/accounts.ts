import type { CloudConfig } from './config.js';

/** The account a deployment runs in, and its own cloud access (FC's context credentials, or the CLI's chain). */
export interface Deployment {
  readonly accountId: string;
  readonly cloud: CloudConfig;
}

/**
 * The one seam for accounts (Cloud Custodian's `assume_member`): how to reach `accountId` in `regionId`, or
 * undefined when this deployment has no way into that account. Today the deployment reaches its own account
 * only; a member account of an organisation is to be reached here (STS AssumeRole), and nowhere else.
 */
export function cloudForAccount(d: Deployment, accountId: string, regionId: string): CloudConfig | undefined {
  return accountId === d.accountId ? { ...d.cloud, regionId } : undefined;
}
