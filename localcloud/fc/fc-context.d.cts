/** Types of fc-context.cjs: what FC 3.0's Node.js runtime passes a handler as `context`. */
export interface FcContextFields {
  requestId: string;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  function: { name: string; handler: string; memory: number; timeout: number };
  region: string;
  accountId: string;
  qualifier?: string;
}
export interface FcContextData {
  requestId: string;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  function: { name: string; handler: string; memory: number; timeout: number; initializer: string; initializationTimeout: number };
  service: { name: string; logProject: string; logStore: string; qualifier: string; versionId: string };
  region: string;
  accountId: string;
  tracing: { spanContext: string; jaegerEndpoint: string; spanBaggages: Record<string, string> };
}
export interface FcLogger {
  debug(...a: unknown[]): void;
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
  log(...a: unknown[]): void;
}
export function fcContextData(f: FcContextFields): FcContextData;
export function fcLogger(requestId: string, write: (line: string) => void): FcLogger;
export function fcContext(data: FcContextData, write: (line: string) => void): FcContextData & { logger: FcLogger };
