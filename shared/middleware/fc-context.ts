import type { StsCredentials } from '../cloud/config.js';

/** The context FC 3.0 passes a Node.js handler (Function Compute, Node.js "Context": https://www.alibabacloud.com/help/zh/fc/context-3). */
export interface FcContext {
  requestId: string;
  region: string;
  accountId: string;
  credentials?: StsCredentials;
  function: { name: string; handler?: string; memory?: number; timeout?: number };
  logger?: { info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
}
