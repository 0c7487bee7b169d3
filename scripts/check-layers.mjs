// Fails on an import circle among src/'s files and on an import from a lower layer to a higher one.
// The layers are written down here, once, from the bottom up (docs/architecture.md explains them);
// a folder may import its own layer and the layers below it. Imports are read with TypeScript's own
// pre-processor, so `import type`, re-exports and `import('...')` count like any import.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

const LAYERS = [
  { name: 'errors', units: ['errors.ts'] },
  { name: 'time', units: ['time'] },
  { name: 'plan', units: ['plan'] },
  { name: 'building blocks', units: ['units', 'version.ts', 'metrics', 'schedule', 'protocols', 'targets', 'scenario', 'control'] },
  { name: 'results', units: ['result', 'thresholds'] },
  { name: 'running', units: ['executors', 'import', 'runner'] },
  { name: 'consumers', units: ['report', 'compare', 'capacity'] },
  { name: 'orchestration', units: ['workers', 'cluster', 'sweep'] },
  { name: 'faces', units: ['cli', 'index.ts'] },
];

const SRC = 'src';
const layerOfUnit = new Map(LAYERS.flatMap((layer, index) => layer.units.map((unit) => [unit, index])));

/** The folder (or the file) right under src/ that holds `file`. */
const unitOf = (file) => relative(SRC, file).split('/')[0];

const files = readdirSync(SRC, { recursive: true })
  .map((entry) => join(SRC, String(entry)))
  .filter((file) => file.endsWith('.ts'))
  .sort();

/** The src/ files that `file` imports (libraries and node: modules are not src/'s business here). */
function importsOf(file) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => normalize(join(dirname(file), name.replace(/\.js$/, '.ts'))))
    .filter((target) => existsSync(target));
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));
const problems = [];

for (const unit of new Set(files.map(unitOf))) {
  if (!layerOfUnit.has(unit)) problems.push(`src/${unit} is in no layer: add it to LAYERS in scripts/check-layers.mjs`);
}

for (const [file, targets] of graph) {
  const from = layerOfUnit.get(unitOf(file));
  for (const target of targets) {
    const to = layerOfUnit.get(unitOf(target));
    if (from !== undefined && to !== undefined && to > from) {
      problems.push(`${file} imports ${target}: layer ${LAYERS[from].name} may not import the higher layer ${LAYERS[to].name}`);
    }
  }
}

// Tarjan's strongly connected components: every component of more than one file is a circle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function visit(file) {
  index.set(file, counter);
  low.set(file, counter++);
  stack.push(file);
  onStack.add(file);
  for (const target of graph.get(file)) {
    if (!index.has(target)) {
      visit(target);
      low.set(file, Math.min(low.get(file), low.get(target)));
    } else if (onStack.has(target)) {
      low.set(file, Math.min(low.get(file), index.get(target)));
    }
  }
  if (low.get(file) !== index.get(file)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(member);
  } while (member !== file);
  if (component.length > 1 || graph.get(file).includes(file)) problems.push(`import circle: ${component.sort().join(', ')}`);
}
for (const file of files) if (!index.has(file)) visit(file);

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log(`layers: ${files.length} files in ${LAYERS.length} layers, no import circle, no import from a lower layer to a higher one`);
