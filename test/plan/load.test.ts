import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isPlanFile, loadPlanFile, PlanFileError, readPlanFile } from '../../src/plan/load.js';

const dir = mkdtempSync(join(tmpdir(), 'salvo-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to a file named `name` in the temp dir and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The PlanFileError loading `path` throws. */
function failure(path: string): PlanFileError {
  try {
    loadPlanFile(path);
  } catch (error) {
    assert.ok(error instanceof PlanFileError, String(error));
    return error;
  }
  assert.fail('the plan file was accepted');
}

const GOOD_YAML = `# a comment
target:
  url: http://127.0.0.1:8080/
  headers:
    - [Accept, text/plain]
executor:
  type: ramping-arrival-rate
  startRatePerSec: 10
  stages:
    - { targetRatePerSec: 100, durationMs: 30s }
    - { targetRatePerSec: 100, durationMs: 1.5m }
    - targetRatePerSec: 0
      durationMs: 500
timeoutMs: 2s
gracefulStopMs: 0.3s
thresholds:
  - expression: p99<250ms
`;

describe('plan files', () => {
  test('a YAML plan loads, with durations as strings or ms, and defaults filled', () => {
    const plan = loadPlanFile(file('good.yaml', GOOD_YAML));
    assert.deepEqual(plan.executor, {
      type: 'ramping-arrival-rate',
      startRatePerSec: 10,
      stages: [
        { targetRatePerSec: 100, durationMs: 30_000 },
        { targetRatePerSec: 100, durationMs: 90_000 },
        { targetRatePerSec: 0, durationMs: 500 },
      ],
      durationMs: 120_500,
    });
    assert.deepEqual(plan.target, { url: 'http://127.0.0.1:8080/', method: 'GET', headers: [['Accept', 'text/plain']] });
    assert.equal(plan.timeoutMs, 2000);
    assert.equal(plan.gracefulStopMs, 300);
    assert.equal(plan.connections, 50);
    assert.deepEqual(plan.thresholds, [{ expression: 'p99<250ms', abortOnFail: false }]);
  });

  test('a .yml plan and a JSON plan load the same way', () => {
    const json = {
      target: { url: 'http://127.0.0.1:8080/' },
      executor: { type: 'poisson-arrival-rate', ratePerSec: 200, durationMs: '10s', seed: 7 },
      connections: 8,
    };
    const fromJson = loadPlanFile(file('good.json', JSON.stringify(json, null, 2)));
    const fromYml = loadPlanFile(
      file(
        'good.yml',
        `target: { url: "http://127.0.0.1:8080/" }\nexecutor: { type: poisson-arrival-rate, ratePerSec: 200, durationMs: 10s, seed: 7 }\nconnections: 8\n`,
      ),
    );
    assert.deepEqual(fromJson, fromYml);
    assert.deepEqual(fromJson.executor, { type: 'poisson-arrival-rate', ratePerSec: 200, durationMs: 10_000, seed: 7 });
  });

  test('an invalid plan file lists every problem with its path, and names the file', () => {
    const path = file(
      'bad.yaml',
      'target:\n  url: http://127.0.0.1:8080/\n  metod: GET\nexecutor:\n  type: ramping-arrival-rate\n  stages:\n    - { targetRatePerSec: 10, durationMs: 1s }\n    - { targetRatePerSec: 20, durationMs: 2 minutes }\nconnections: 0\n',
    );
    const error = failure(path);
    assert.equal(error.kind, 'invalid');
    assert.equal(error.file, path);
    assert.deepEqual(error.problems, [
      'target.metod: unknown field',
      'executor.stages[1].durationMs: must be a number of milliseconds or a duration such as "500ms", "30s" or "2m"',
      'connections: Too small: expected number to be >=1',
    ]);
  });

  const syntaxCases = [
    {
      name: 'a nested mapping on one line',
      file: 'nested.yaml',
      text: 'target:\n  url: http://x/\n   bad: 1\n',
      message: 'nested.yaml:2:8: YAML syntax error: Nested mappings are not allowed in compact mappings',
    },
    {
      name: 'a duplicate key',
      file: 'duplicate.yaml',
      text: 'connections: 1\nconnections: 2\n',
      message: 'duplicate.yaml:2:1: YAML syntax error: Map keys must be unique',
    },
    {
      name: 'an unclosed flow sequence',
      file: 'flow.yml',
      text: 'thresholds: [\n',
      message: 'flow.yml:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    },
    {
      name: 'two documents',
      file: 'two.yaml',
      text: 'connections: 1\n---\nconnections: 2\n',
      message: 'two.yaml:2:1: YAML syntax error: Source contains multiple documents; please use YAML.parseAllDocuments()',
    },
    {
      name: 'a trailing comma in JSON',
      file: 'comma.json',
      text: '{\n  "target": { "url": "http://x/" },\n}\n',
      message: 'comma.json:3:1: JSON syntax error: Expected double-quoted property name',
    },
    { name: 'an empty file', file: 'empty.yaml', text: '  \n', message: 'empty.yaml: the file is empty' },
  ];
  for (const { name, file: name_, text, message } of syntaxCases) {
    test(`a syntax error is one line with the file, line and column: ${name}`, () => {
      const path = file(name_, text);
      const error = failure(path);
      assert.equal(error.kind, 'syntax');
      assert.deepEqual(error.problems, [join(dir, message)]);
      assert.doesNotMatch(error.message, /\n/);
    });
  }

  test('a file that cannot be read says so in one line', () => {
    assert.throws(
      () => readPlanFile(join(dir, 'missing.yaml')),
      (error: unknown) => error instanceof PlanFileError && error.kind === 'unreadable' && /cannot read .*missing\.yaml: ENOENT/.test(error.message),
    );
  });

  test('an argument is a plan file when it ends in .yaml, .yml or .json and exists', () => {
    assert.equal(isPlanFile(file('exists.yaml', 'x: 1\n')), true);
    assert.equal(isPlanFile(file('exists.JSON', '{}')), true);
    assert.equal(isPlanFile(join(dir, 'absent.yaml')), false);
    assert.equal(isPlanFile(file('notes.txt', 'x')), false);
    assert.equal(isPlanFile('http://127.0.0.1:8080/data.json'), false);
  });
});
