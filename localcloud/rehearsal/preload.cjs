'use strict';
/*
 * The production rehearsal's network, loaded into every process of a rehearsal with NODE_OPTIONS=--require.
 * The product runs unmodified, aimed at the real cloud's public endpoint names; this preload is what makes those
 * names lead to localcloud, without /etc/hosts and without touching the product's code:
 * - DNS: `*.aliyuncs.com` resolves to 127.0.0.1 (dns.lookup and dns.promises.lookup, which net and every HTTP
 *   client of the SDKs use);
 * - port 443 of those hosts is localcloud's TLS port (LOCALCLOUD_REHEARSAL_PORT); any other port of them is refused,
 *   so plain HTTP (port 80) can't reach anything;
 * - any other address that is not loopback is refused at once (a rehearsal never leaves this machine: the credential
 *   chain's metadata-service probe included);
 * - every connection attempt is appended to LOCALCLOUD_REHEARSAL_LOG as one JSON line
 *   {pid, host, port, tls, servername, outcome}, for the tests to check what the product really did.
 * Plain CommonJS so it loads before any loader, in any Node process (the CLI, s, FC function instances).
 * A test process that drives the rehearsal calls `install(port, log)` itself instead.
 */
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');

let PORT = 0;
let LOG = '';

const isPublic = (host) => typeof host === 'string' && /(^|\.)aliyuncs\.com\.?$/i.test(host);
const isLoopback = (host) => host === undefined || host === '' || host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '::ffff:127.0.0.1';

function record(entry) {
  fs.appendFileSync(LOG, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);
}

function answerLoopback(_hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all;
  process.nextTick(() => (all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
}

/** The connect options as net.Socket#connect receives them: (options[, cb]), (port[, host][, cb]) or (path[, cb]). */
function optionsOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') return { opts: first, args };
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { opts: { path: first }, args };
  // (port[, host][, cb]): rebuilt as (options[, cb]) so the port can be changed.
  const opts = { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  const cb = args.find((a) => typeof a === 'function');
  return { opts, args: cb ? [opts, cb] : [opts] };
}

function refuse(socket, host, port) {
  const err = Object.assign(new Error(`connect ECONNREFUSED ${host}:${port} (refused by the rehearsal: it never leaves this machine)`), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: host,
    port,
  });
  process.nextTick(() => socket.destroy(err));
  return socket;
}

function install(port, log) {
  if (!Number.isInteger(port) || port <= 0 || !log) throw new Error('rehearsal preload: a TLS port and a log file are needed');
  if (PORT) throw new Error('rehearsal preload: installed already');
  PORT = port;
  LOG = log;
  const realLookup = dns.lookup;
  dns.lookup = function lookup(hostname, options, callback) {
    if (isPublic(hostname)) return answerLoopback(hostname, options, callback);
    return realLookup.call(this, hostname, options, callback);
  };
  const realPromisesLookup = dns.promises.lookup;
  dns.promises.lookup = function lookup(hostname, options) {
    if (isPublic(hostname)) return Promise.resolve(options?.all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 });
    return realPromisesLookup.call(this, hostname, options);
  };

  const realConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    // Node normalises arguments into an array with the options first before calling connect again internally.
    const { opts, args: callArgs } = optionsOf(args);
    if (opts.path) return realConnect.apply(this, args); // an IPC pipe (Node tests the path for truth, too)
    const host = opts.host;
    const port = Number(opts.port);
    const secure = this instanceof tls.TLSSocket;
    const servername = secure ? this._tlsOptions?.servername || opts.servername : undefined;
    if (isPublic(host)) {
      if (port !== 443) {
        record({ host, port, tls: secure, servername, outcome: 'refused: not port 443' });
        return refuse(this, host, port);
      }
      record({ host, port, tls: secure, servername, outcome: 'localcloud' });
      // The host name stays (TLS checks the certificate against it); only where it leads changes.
      opts.port = PORT;
      opts.lookup = answerLoopback;
      return realConnect.apply(this, callArgs);
    }
    if (!isLoopback(host)) {
      record({ host, port, tls: secure, servername, outcome: 'refused: not loopback' });
      return refuse(this, host, port);
    }
    return realConnect.apply(this, args);
  };
}

module.exports = { install };
if (process.env.LOCALCLOUD_REHEARSAL_PORT || process.env.LOCALCLOUD_REHEARSAL_LOG) {
  install(Number(process.env.LOCALCLOUD_REHEARSAL_PORT), process.env.LOCALCLOUD_REHEARSAL_LOG);
}
