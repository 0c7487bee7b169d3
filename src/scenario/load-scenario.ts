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
 * Loads a TypeScript (or JavaScript) scenario file with no build step: esbuild bundles it with its
 * relative imports into one ES module (salvo itself stays external and resolves to this package),
 * which is imported from a temporary file. Returns the file's default export, not yet checked.
 */
export async function loadScenarioModule(file: string): Promise<ScenarioDefinition> {
  const entry = resolve(file);
  let code: string;
  try {
    const bundled = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      sourcemap: 'inline',
      // Packages come from node_modules at run time, as with any node program; salvo is this package.
      packages: 'external',
      plugins: [
        {
          name: 'salvo-itself',
          setup: (plugin) => plugin.onResolve({ filter: /^salvo$/ }, () => ({ path: pathToFileURL(PACKAGE_ENTRY).href, external: true })),
        },
      ],
    });
    code = bundled.outputFiles[0]!.text;
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    throw new ScenarioError(file, errors && errors.length > 0 ? errors.slice(0, 5).map(describe) : [(error as Error).message]);
  }
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
