import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * What the function bundles leave out of their default path (esbuild plugins), each without changing behaviour:
 * modules the default path never reaches go to files of their own, and SDK dependencies the default path loads
 * are narrowed to the parts it uses. Each trim checks the code it rests on and fails the build if that changed.
 */

/**
 * Modules a function reaches only off its default path, by a dynamic import: each is bundled into a file of its
 * own beside index.js, so the default path never reads or parses it while the artifact still carries it.
 */
export const SIDE_MODULES: ReadonlyArray<{ module: string; file: string; loadedWhen: string }> = [
  // The FC 2.0 invoker's client: @alicloud/fc2 brings ali-oss, urllib, axios and iconv-lite (~1 MiB minified).
  { module: '@alicloud/fc2/lib/client.js', file: 'fc2-client.cjs', loadedWhen: 'AUTOMIRROR_INVOKER=fc2' },
  // The report history's OSS client: ali-oss brings urllib, xml2js and mime (~800 KiB minified).
  { module: 'ali-oss', file: 'oss-client.cjs', loadedWhen: 'AUTOMIRROR_HISTORY_BUCKET is set' },
];

const exactly = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
const fail = (text: string) => ({ errors: [{ text }] });

/** Points each side module's import at its own file (external: loaded at run time from beside index.js). */
export const sideModules: Plugin = {
  name: 'side-modules',
  setup(b) {
    for (const side of SIDE_MODULES) {
      b.onResolve({ filter: exactly(side.module) }, (args) =>
        // A static import would load it at start anyway, which is what the separate file is there to avoid.
        args.kind === 'dynamic-import' ? { path: `./${side.file}`, external: true } : fail(`${side.module} is a side module (${side.file}): import it with import(), not ${args.kind}`),
      );
    }
  },
};

/**
 * @darabonba/typescript (under every Alibaba Cloud SDK) imports all of lodash in dist/func.js for `_.merge`
 * alone; whole lodash is the costliest module to start in the bundle. That import gets lodash's own merge module
 * (lodash/merge.js of the same package: the same code) instead.
 */
export const lodashMerge: Plugin = {
  name: 'lodash-merge',
  setup(b) {
    b.onResolve({ filter: /^lodash$/ }, (args) => {
      if (!/[\\/]@darabonba[\\/]typescript[\\/]dist[\\/]func\.js$/.test(args.importer)) return undefined;
      const src = readFileSync(args.importer, 'utf8');
      const uses = new Set(src.match(/\b_\.\w+/g));
      if (!src.includes('var _ = __importStar(require("lodash"));') || uses.size !== 1 || !uses.has('_.merge')) {
        return fail(`${args.importer} no longer uses lodash as \`_\` for _.merge alone (${[...uses].join(', ')}): revisit the lodash-merge trim`);
      }
      return { path: args.importer, namespace: 'lodash-merge' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lodash-merge' }, (args) => ({ contents: 'module.exports = { merge: require("lodash/merge") };', resolveDir: dirname(args.path), loader: 'js' }));
  },
};

/** Each `__exportStar(require("./m"), exports);` or `var m_1 = require("./m");` of a TypeScript-compiled barrel. */
const STAR = /__exportStar\(require\("(\.\/[\w-]+)"\), exports\);/g;
const BOUND = /var (\w+) = require\("(\.\/[\w-]+)"\);\n/g;

/** The barrel with each part required on first use of one of its exports instead of at load. */
function lazyBarrel(src: string, keysOf: (m: string) => string[]): string {
  const bound = [...src.matchAll(BOUND)];
  let out = src.replace(BOUND, '').replace(STAR, (_, m: string) => `__lazyStar(exports, function () { return require("${m}"); }, ${JSON.stringify(keysOf(m))});`);
  // Their only uses are inside the barrel's export getters (the check finds any other: it would require at load).
  for (const [, name, m] of bound) out = out.replace(new RegExp(`\\b${name}\\b`, 'g'), `require("${m}")`);
  // As __exportStar: a name an earlier part exports stays the earlier part's.
  const helper =
    'function __lazyStar(o, load, keys) { keys.forEach(function (k) { if (!Object.prototype.hasOwnProperty.call(o, k)) Object.defineProperty(o, k, { enumerable: true, get: function () { return load()[k]; } }); }); }\n';
  // After the file's "use strict", which must stay its first statement.
  return out.replace(/^("use strict";\n)?/, (strict) => strict + helper);
}

const WS_UTILS = '__importStar(require("./websocketUtils"))';

/** openapi-core's client with its WebSocket utilities required where its WebSocket calls use them, not at load. */
function lazyWebsocketUtils(src: string): string {
  return src
    .replace(`const websocketUtils = ${WS_UTILS};\n`, '')
    .replace(
      /exports\.(\$?\w+) = __importStar\(require\("\.\/websocketUtils"\)\);/g,
      (_, name: string) => `Object.defineProperty(exports, "${name}", { enumerable: true, get: function () { return ${WS_UTILS}; } });`,
    )
    .replace(/(?<![.\w$])websocketUtils\./g, `${WS_UTILS}.`);
}

/**
 * Files that require, at load, parts only calls automirror never makes use; each is rewritten to require them on
 * first use. @darabonba/typescript's index requires websocket.js (ws, three proxy agents, socks, ip-address),
 * date.js (moment), file, form, stream and xml; openapi-core's client requires its WebSocket utilities, which
 * extend that WebSocket handler. The lazy exports keep their names and values.
 */
const LAZY: ReadonlyArray<{ file: RegExp; rewrite: (src: string, keysOf: (m: string) => string[]) => string; lazy: (m: string) => boolean; exports: 'all' | string[] }> = [
  { file: /[\\/]@darabonba[\\/]typescript[\\/]dist[\\/]index\.js$/, rewrite: lazyBarrel, lazy: () => true, exports: 'all' },
  {
    file: /[\\/]@alicloud[\\/]openapi-core[\\/]dist[\\/]client\.js$/,
    rewrite: lazyWebsocketUtils,
    lazy: (m) => m === './websocketUtils',
    exports: ['websocketUtils', 'WebSocketUtils', '$WebSocketUtils'],
  },
];

/**
 * Loads the rewritten file beside the original (in this process) and says how they differ: parts required at
 * load that should wait, export names missing or added, and lazy exports whose value is not the original's.
 */
function differences(path: string, contents: string, lazy: (m: string) => boolean, same: 'all' | string[]): string[] {
  const req = createRequire(path);
  const early = new Set<string>();
  const rewritten: Record<string, unknown> = {};
  let loading = true;
  new Function('exports', 'require', contents)(rewritten, (m: string) => {
    if (loading && lazy(m)) early.add(`requires ${m} at load`);
    return req(m);
  });
  loading = false;
  const original = req(path) as Record<string, unknown>;
  const names = new Set([...Object.keys(original), ...Object.keys(rewritten)]);
  const named = [...names].filter((k) => !(k in original) || !(k in rewritten)).map((k) => `export ${k} only in one`);
  const valued = (same === 'all' ? [...names] : same).filter((k) => original[k] !== rewritten[k]).map((k) => `export ${k} differs`);
  return [...early, ...named, ...valued];
}

/** Rewrites each LAZY file, checked against the original: the build fails rather than ship a changed module. */
export const lazyRequires: Plugin = {
  name: 'lazy-requires',
  setup(b) {
    for (const l of LAZY) {
      b.onLoad({ filter: l.file }, (args) => {
        const keysOf = (m: string) => Object.keys(createRequire(args.path)(m)).filter((k) => k !== 'default');
        const contents = l.rewrite(readFileSync(args.path, 'utf8'), keysOf);
        const diff = differences(args.path, contents, l.lazy, l.exports);
        return diff.length > 0 ? fail(`lazy-requires: the rewritten ${args.path} ${diff.join('; ')}: revisit the trim`) : { contents, loader: 'js' };
      });
    }
  },
};
