import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { CliError } from '../src/cli/exit-codes.js';
import { CoordinatorClientError } from '../src/cluster/coordinator-client.js';
import { CoordinatorError } from '../src/cluster/coordinator.js';
import { K8sRunError } from '../src/cluster/k8s-run.js';
import { ShardSyntaxError } from '../src/plan/shard.js';
import { StartAtError } from '../src/time/start-at.js';
import { FailConditionError } from '../src/compare/fail-if.js';
import { EXIT, SalvoError } from '../src/errors.js';
import { ImportError } from '../src/import/locust-plan.js';
import { TextFormatError } from '../src/import/text-format.js';
import { PlanFileError } from '../src/plan/load.js';
import { TemplateError } from '../src/plan/template.js';
import { PlanError } from '../src/plan/validate.js';
import { GrpcCallError } from '../src/protocols/grpc/call-error.js';
import { EscapeError } from '../src/plan/escapes.js';
import { MergeError } from '../src/result/merge.js';
import { SetupError } from '../src/runner/setup-error.js';
import { DataFileError } from '../src/scenario/data.js';
import { ScenarioError } from '../src/scenario/from-definition.js';
import { SnapshotError } from '../src/targets/servo-fleet/snapshot.js';
import { ThresholdSyntaxError } from '../src/plan/threshold.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('SalvoError', () => {
  test('carries a stable code, exit 2 unless told otherwise, and a hint after the message', () => {
    const error = new SalvoError('ERR_PORT_IN_USE', 'port 8080 is in use on 127.0.0.1', { hint: 'choose another --port' });
    assert.equal(error.code, 'ERR_PORT_IN_USE');
    assert.equal(error.exitCode, EXIT.usage);
    assert.equal(error.describe(), 'port 8080 is in use on 127.0.0.1 (choose another --port)');
    assert.equal(new SalvoError('ERR_USAGE', 'x', { exitCode: EXIT.internal }).exitCode, EXIT.internal);
  });

  test('every error a user can meet is a SalvoError with its own code', () => {
    const errors: [SalvoError, string][] = [
      [new CliError('x'), 'ERR_USAGE'],
      [new PlanError(['a: b']), 'ERR_PLAN_INVALID'],
      [new PlanFileError('p.yaml', ['p.yaml: the file is empty'], 'syntax'), 'ERR_PLAN_INVALID'],
      [new PlanFileError('p.yaml', ['cannot read p.yaml: ENOENT'], 'unreadable'), 'ERR_PLAN_UNREADABLE'],
      [new TemplateError('x'), 'ERR_TEMPLATE'],
      [new EscapeError('x'), 'ERR_ESCAPE'],
      [new ThresholdSyntaxError('x'), 'ERR_THRESHOLD_SYNTAX'],
      [new FailConditionError('x'), 'ERR_CONDITION_SYNTAX'],
      [new ShardSyntaxError('x'), 'ERR_SHARD_SYNTAX'],
      [new StartAtError('x'), 'ERR_START_AT'],
      [new ScenarioError('s.ts', ['x']), 'ERR_SCENARIO_INVALID'],
      [new DataFileError('x'), 'ERR_DATA_FILE'],
      [new ImportError('x'), 'ERR_IMPORT'],
      [new TextFormatError('x', { line: 1, col: 2 }), 'ERR_IMPORT'],
      [new SetupError('x'), 'ERR_SETUP'],
      [new GrpcCallError('x'), 'ERR_GRPC_CALL'],
      [new SnapshotError('x'), 'ERR_STATE_FILE'],
      [new MergeError('x'), 'ERR_MERGE'],
      [new CoordinatorClientError('x'), 'ERR_COORDINATOR'],
      [new CoordinatorError('x', false), 'ERR_COORDINATOR'],
      [new K8sRunError('x'), 'ERR_K8S'],
    ];
    for (const [error, code] of errors) {
      assert.ok(error instanceof SalvoError, `${error.name} is a SalvoError`);
      assert.equal(error.code, code, error.name);
      assert.equal(error.exitCode, EXIT.usage, error.name);
    }
    // Shards that failed after they started are no mistake of the user's.
    assert.equal(new CoordinatorError('x', true).exitCode, EXIT.internal);
  });

  test('a plan file with many problems is described one problem a line', () => {
    assert.equal(new PlanFileError('p.yaml', ['a: b', 'c: d'], 'invalid').describe(), 'invalid plan p.yaml:\n  a: b\n  c: d');
    assert.equal(new PlanError(['a: b', 'c: d']).describe(), 'invalid plan: a: b; c: d');
  });

  test('no other error class in src/: every user-facing error extends SalvoError', () => {
    // The emulator's JSON decoder reports Python's own error to the emulator, which answers it as a 422 body: no user of salvo sees it.
    const internal = new Set(['errors.ts', join('targets', 'servo-fleet', 'python', 'json-decode.ts')]);
    const offenders = (readdirSync(SRC, { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !internal.has(file))
      .filter((file) => /class \w+ extends (Error|RangeError|TypeError)\b/.test(readFileSync(join(SRC, file), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
