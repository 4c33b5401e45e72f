/**
 * Each function's first import. The SDKs log through `debug`, which prints request headers, the STS security token
 * among them, when DEBUG names them (DEBUG=* or DEBUG=mns:*: @alicloud/mns lib/client.js `debug('request headers:
 * %j', headers)`; @alicloud/fc2 and httpx alike), into the function's log. `debug` reads DEBUG once, when it is first
 * loaded, so DEBUG is cleared here, before any module that loads an SDK is evaluated.
 */
delete process.env.DEBUG;
