'use strict';
/*
 * The one definition of what FC 3.0's Node.js runtime hands a handler as `context` (Function Compute, "Context",
 * https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/user-guide/context-3): localcloud's function
 * instances (runner.cjs) and `automirror invoke` both build it here, so a function meets one shape wherever it runs.
 * CommonJS because runner.cjs loads it without a TypeScript loader.
 */
const { inspect } = require('node:util');

/**
 * The context without its logger (which must be made where the handler runs: it cannot cross a process boundary).
 * @param {{requestId: string, credentials: {accessKeyId: string, accessKeySecret: string, securityToken?: string},
 *   function: {name: string, handler: string, memory: number, timeout: number}, region: string, accountId: string,
 *   qualifier?: string}} f
 */
function fcContextData(f) {
  return {
    requestId: f.requestId,
    credentials: { accessKeyId: f.credentials.accessKeyId, accessKeySecret: f.credentials.accessKeySecret, securityToken: f.credentials.securityToken },
    function: { name: f.function.name, handler: f.function.handler, memory: f.function.memory, timeout: f.function.timeout, initializer: '', initializationTimeout: 0 },
    service: { name: '', logProject: '', logStore: '', qualifier: f.qualifier || 'LATEST', versionId: '' },
    region: f.region,
    accountId: f.accountId,
    tracing: { spanContext: '', jaegerEndpoint: '', spanBaggages: {} },
  };
}

/** `context.logger`: debug/info/warn/error/log, each line `<ISO date> <requestId> [LEVEL] message`, as FC writes it. */
function fcLogger(requestId, write) {
  const at =
    (level) =>
    (...args) =>
      write(`${new Date().toISOString()} ${requestId} [${level}] ${args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 6 }))).join(' ')}`);
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR'), log: at('INFO') };
}

/** The whole context as the handler receives it. */
function fcContext(data, write) {
  return { ...data, logger: fcLogger(data.requestId, write) };
}

module.exports = { fcContextData, fcLogger, fcContext };
