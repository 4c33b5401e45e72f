import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { lazyRequires, lodashMerge, SIDE_MODULES, sideModules } from './bundle-trims.js';

const ROOT = resolve(__dirname, '..');

/** Function names: one folder under functions/ each, with an index.ts. */
export function functionDirs(): string[] {
  const dir = join(ROOT, 'functions');
  return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory() && existsSync(join(dir, n, 'index.ts')));
}

/** A file of the artifact beside index.js, and when a function loads it. */
export interface SideFile {
  readonly file: string;
  readonly bytes: number;
  readonly loadedWhen: string;
}

/** The same options for every function, side file and benchmark baseline: CommonJS for FC's nodejs20 runtime. */
const OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // @alicloud/fc2 → ali-oss → urllib requires the optional proxy-agent only when a proxy is configured; it is not
  // installed, so it stays an (unreached) runtime require rather than failing the bundle.
  external: ['proxy-agent'],
};

/** Bundles `entry` to `outfile`, and each side module it imports to its file beside it; returns those files. */
export async function bundle(entry: string, outfile: string): Promise<SideFile[]> {
  const { metafile } = await build({ ...OPTIONS, entryPoints: [entry], outfile, metafile: true, plugins: [sideModules, lodashMerge, lazyRequires] });
  const imported = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
  const sides: SideFile[] = [];
  for (const side of SIDE_MODULES.filter((s) => imported.has(`./${s.file}`))) {
    const out = join(dirname(outfile), side.file);
    await build({ ...OPTIONS, entryPoints: [require.resolve(side.module)], outfile: out });
    sides.push({ file: side.file, bytes: statSync(out).size, loadedWhen: side.loadedWhen });
  }
  return sides;
}

/**
 * Bundles each function to dist/<name>/index.js (CommonJS for FC's nodejs20 runtime: middy 6 is ESM-only and the
 * runtime's Node minor version is unknown, so nothing is left to require at run time) with its side files and the
 * policy beside it. `bytes` is index.js, all that the default path loads.
 */
export async function buildFunctions(outRoot = join(ROOT, 'dist')): Promise<Array<{ name: string; bytes: number; sides: SideFile[] }>> {
  const out: Array<{ name: string; bytes: number; sides: SideFile[] }> = [];
  for (const name of functionDirs()) {
    const outDir = join(outRoot, name);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const sides = await bundle(join(ROOT, 'functions', name, 'index.ts'), join(outDir, 'index.js'));
    copyFileSync(join(ROOT, 'policy.yaml'), join(outDir, 'policy.yaml'));
    out.push({ name, bytes: statSync(join(outDir, 'index.js')).size, sides });
  }
  return out;
}

if (require.main === module) {
  buildFunctions().then(
    (built) => {
      const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
      for (const b of built) {
        process.stdout.write(`dist/${b.name}/index.js  ${kib(b.bytes)}\n`);
        for (const s of b.sides) process.stdout.write(`dist/${b.name}/${s.file}  ${kib(s.bytes)}  (loaded only when ${s.loadedWhen})\n`);
      }
    },
    (err) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
