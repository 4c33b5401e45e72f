import type { StsCredentials } from '../cloud/config.js';

/** The context FC 3.0 passes a Node.js handler (events-and-functions.md §4). */
export interface FcContext {
  requestId: string;
  region: string;
  accountId: string;
  credentials?: StsCredentials;
  function: { name: string; handler?: string; memory?: number; timeout?: number };
  logger?: { info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
}
