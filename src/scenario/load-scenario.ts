import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Message } from 'esbuild';
import type { ScenarioDefinition } from './api.js';
import { ScenarioError } from './from-definition.js';

/** The package's own entry point: a scenario's `import ... from 'salvo'` resolves here, wherever the file is. */
const PACKAGE_ENTRY = fileURLToPath(new URL('../index.js', import.meta.url));

function describe(message: Message): string {
  const at = message.location ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: ` : '';
  return `${at}${message.text}`;
}

/**
 * One ES module of a scenario file and its relative imports. `run`: for this machine, packages left to
 * node_modules and `salvo` resolved to this package. `ship`: for another machine that has salvo but
 * not the scenario's folder (a pod), every package inlined and `salvo` left as a bare import.
 */
export async function bundleScenario(file: string, use: 'run' | 'ship'): Promise<string> {
  try {
    const bundled = await build({
      entryPoints: [resolve(file)],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      sourcemap: use === 'run' ? 'inline' : false,
      // Packages come from node_modules at run time, as with any node program; salvo is this package.
      // Shipped, the bundle's file comments are relative to the scenario's folder, not paths of this machine.
      ...(use === 'run' ? { packages: 'external' as const } : { absWorkingDir: dirname(resolve(file)) }),
      plugins: [
        {
          name: 'salvo-itself',
          setup: (plugin) =>
            plugin.onResolve({ filter: /^salvo$/ }, () => ({ path: use === 'run' ? pathToFileURL(PACKAGE_ENTRY).href : 'salvo', external: true })),
        },
      ],
    });
    return bundled.outputFiles[0]!.text;
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    throw new ScenarioError(file, errors && errors.length > 0 ? errors.slice(0, 5).map(describe) : [(error as Error).message]);
  }
}

/**
 * Loads a TypeScript (or JavaScript) scenario file with no build step: bundled (see bundleScenario),
 * then imported from a temporary file. Returns the file's default export, not yet checked.
 */
export async function loadScenarioModule(file: string): Promise<ScenarioDefinition> {
  const entry = resolve(file);
  const code = await bundleScenario(file, 'run');
  // Beside the scenario, so its bare imports resolve from the scenario's own node_modules.
  const directory = await mkdtemp(join(dirname(entry), '.salvo-scenario-')).catch(() => mkdtemp(join(tmpdir(), 'salvo-scenario-')));
  const bundle = join(directory, 'scenario.mjs');
  try {
    await writeFile(bundle, code);
    const module = (await import(pathToFileURL(bundle).href)) as { default?: unknown };
    if (module.default === undefined) throw new ScenarioError(file, ['has no default export: end it with export default defineScenario({ ... })']);
    return module.default as ScenarioDefinition;
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    throw new ScenarioError(file, [`failed while loading: ${(error as Error).message.split('\n')[0]}`]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
