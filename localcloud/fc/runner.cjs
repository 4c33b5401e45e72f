'use strict';
/*
 * One FC function instance: a child process that loads the function's code once and runs invocations sent over IPC.
 * Plain CommonJS so it forks without a TypeScript loader, like FC's own nodejs20 runtime loading `index.js`.
 * Protocol: parent → {type:'invoke', id, event: base64, context}; child → {type:'log', id, line}
 * and {type:'result', id, ok, body?: base64, error?: {errorMessage, errorType, stackTrace}}.
 */
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { fcContext } = require('./fc-context.cjs');

const codeDir = process.env.LOCALCLOUD_FC_CODE_DIR;
const handlerSpec = process.env.LOCALCLOUD_FC_HANDLER;
delete process.env.LOCALCLOUD_FC_CODE_DIR;
delete process.env.LOCALCLOUD_FC_HANDLER;

let loaded;
async function loadHandler() {
  if (!loaded) {
    loaded = (async () => {
      const dot = handlerSpec.lastIndexOf('.');
      if (dot <= 0) throw Object.assign(new Error(`Invalid handler "${handlerSpec}": expected <file>.<export>`), { name: 'InvalidHandler' });
      const file = path.resolve(codeDir, handlerSpec.slice(0, dot));
      const name = handlerSpec.slice(dot + 1);
      let mod;
      try {
        mod = require(file);
      } catch (err) {
        if (err && err.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(require.resolve(file)).href);
        else throw err;
      }
      const fn = mod[name] ?? mod.default?.[name];
      if (typeof fn !== 'function') throw Object.assign(new Error(`Handler "${name}" is not exported by ${file}`), { name: 'HandlerNotFound' });
      return fn;
    })();
  }
  return loaded;
}

function errorOf(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    errorMessage: e.message,
    errorType: e.name || 'Error',
    stackTrace: String(e.stack || '')
      .split('\n')
      .slice(1)
      .map((s) => s.trim()),
  };
}

function encode(value) {
  if (value === undefined || value === null) return '';
  if (Buffer.isBuffer(value)) return value.toString('base64');
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return Buffer.from(text, 'utf8').toString('base64');
}

process.on('message', async (msg) => {
  if (msg?.type !== 'invoke') return;
  const context = fcContext(msg.context, (line) => process.send({ type: 'log', id: msg.id, line }));
  try {
    const handler = await loadHandler();
    const value = await handler(Buffer.from(msg.event, 'base64'), context);
    process.send({ type: 'result', id: msg.id, ok: true, body: encode(value) });
  } catch (err) {
    process.send({ type: 'result', id: msg.id, ok: false, error: errorOf(err) });
  }
});

// An unhandled rejection or exception ends the instance, as it would on FC; the parent fails the invocation.
process.on('unhandledRejection', (err) => {
  console.error('Unhandled rejection:', err);
  process.exit(129);
});
