import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..');

/** Function names: one folder under functions/ each, with an index.ts. */
export function functionDirs(): string[] {
  const dir = join(ROOT, 'functions');
  return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory() && existsSync(join(dir, n, 'index.ts')));
}

/** One CommonJS bundle for FC's nodejs20 runtime; the same options for every function and for benchmark baselines. */
export async function bundle(entry: string, outfile: string): Promise<void> {
  // @alicloud/fc2 → ali-oss → urllib requires the optional proxy-agent only when a proxy is configured; it is not
  // installed, so it stays an (unreached) runtime require rather than failing the bundle.
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, legalComments: 'none', logLevel: 'warning', external: ['proxy-agent'] });
}

/**
 * Bundles each function to dist/<name>/index.js (CommonJS for FC's nodejs20 runtime: middy 6 is ESM-only and the
 * runtime's Node minor version is unknown, so nothing is left to require at run time) with the policy beside it.
 */
export async function buildFunctions(outRoot = join(ROOT, 'dist')): Promise<Array<{ name: string; bytes: number }>> {
  const out: Array<{ name: string; bytes: number }> = [];
  for (const name of functionDirs()) {
    const outDir = join(outRoot, name);
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    await bundle(join(ROOT, 'functions', name, 'index.ts'), join(outDir, 'index.js'));
    copyFileSync(join(ROOT, 'policy.yaml'), join(outDir, 'policy.yaml'));
    out.push({ name, bytes: statSync(join(outDir, 'index.js')).size });
  }
  return out;
}

if (require.main === module) {
  buildFunctions().then(
    (built) => {
      for (const b of built) process.stdout.write(`dist/${b.name}/index.js  ${(b.bytes / 1024).toFixed(0)} KiB\n`);
    },
    (err) => {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
