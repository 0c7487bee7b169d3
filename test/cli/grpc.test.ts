import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readResult } from '../../src/result/io.js';
import { WORKER_CALL, WORKER_PROTO } from '../../src/targets/grpc-worker.js';
import { startTargetProcess, type TargetProcess } from '../../src/targets/target-process.js';
import { assertUsageError, salvo, salvoAsync } from '../support/cli.js';
import { closedPort } from '../support/servers.js';

describe('salvo CLI: grpc:// targets and salvo serve grpc-worker', () => {
  let workers: TargetProcess[];
  let dir: string;
  const path = (name: string) => join(dir, name);
  const call = ['--proto', WORKER_PROTO, '--call', WORKER_CALL];

  before(async () => {
    // Several workers side by side, each on a port of its own.
    workers = await Promise.all([startTargetProcess('grpc-worker'), startTargetProcess('grpc-worker')]);
    dir = mkdtempSync(join(tmpdir(), 'salvo-cli-grpc-'));
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('serve grpc-worker --port 0 prints its grpc:// URL; two workers get two ports', () => {
    for (const worker of workers) assert.match(worker.url, /^grpc:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(workers[0]!.url, workers[1]!.url);
  });

  test('bad gRPC input: one line naming the problem, exit 2', async () => {
    const url = `grpc://127.0.0.1:${await closedPort()}`;
    const cases: [string[], RegExp][] = [
      [['run', url, '--proto', '/nonexistent/x.proto', '--call', 'a.B/C'], /^salvo: error: cannot load proto "\/nonexistent\/x\.proto": ENOENT/],
      [['run', url, '--proto', WORKER_PROTO, '--call', 'salvo.worker.Worker/Nope'], /no method "Nope" in salvo\.worker\.Worker \(methods: Spin\)/],
      [['run', url, '--proto', WORKER_PROTO, '--call', 'salvo.worker.Nope/Spin'], /no service "salvo\.worker\.Nope" in .* \(services: salvo\.worker\.Worker\)/],
      [['run', url, ...call, '--data', '{"seconds": 1}'], /data does not fit salvo\.worker\.SpinRequest: data has no field "seconds" \(fields: ms\)/],
      [['run', url, ...call, '--data', '{"ms": {{randomInt 1}}}'], /data: {{randomInt 1}}: expected randomInt <min> <max>/],
      [['run', url, ...call, '--data', '{"ms": '], /data is not JSON/],
      [
        ['run', url, ...call, '--data', '{"ms": -5}'],
        /data does not fit salvo\.worker\.SpinRequest: data\.ms: -5 is outside the range of a uint32 \(0 to 4294967295\)/,
      ],
      [['run', url, ...call, '--data', '{"ms": 1e20}'], /data\.ms: 100000000000000000000 is outside the range of a uint32/],
      [['run', url, '--call', WORKER_CALL], /target\.proto: grpc:\/\/ needs the \.proto file/],
      [['run', url, '--proto', WORKER_PROTO], /target\.call: grpc:\/\/ needs the method to call/],
      [['run', url, '--proto', WORKER_PROTO, '--call', 'Spin'], /target\.call: must be "package\.Service\/Method"/],
      [['run', 'grpc://127.0.0.1', ...call], /grpc:\/\/ needs a port/],
      [['run', url, ...call, '-H', 'a: b'], /target\.headers: applies only to http:\/\/, https:\/\/ and h2c:\/\/ targets, not grpc:\/\//],
      [['run', url, ...call, '--metadata', 'grpc-status: 0'], /target\.metadata\[0\]\[0\]: grpc- names are reserved by gRPC/],
      [['run', url, ...call, '--deadline', 'soon'], /--deadline/],
      [['run', `http://127.0.0.1:${url.split(':')[2]}/`, '--data', '{}'], /target\.data: applies only to grpc:\/\/ targets, not http:\/\//],
      [['run', `http://127.0.0.1:${url.split(':')[2]}/`, '--deadline', '1s'], /target\.deadlineMs: applies only to grpc:\/\/ targets/],
    ];
    for (const [args, pattern] of cases) assertUsageError(args, pattern);
  });

  test('a method this server does not serve (UNIMPLEMENTED) fails the pre-run check in one line, exit 2; an OK call logs grpc "OK"', async () => {
    const other = path('other.proto');
    writeFileSync(
      other,
      'syntax = "proto3";\npackage salvo.worker;\nservice Worker { rpc Sleep (SleepRequest) returns (SleepReply); }\nmessage SleepRequest { uint32 duration_seconds = 1; }\nmessage SleepReply {}\n',
    );
    const { port } = new URL(workers[0]!.url.replace('grpc:', 'http:'));
    const wrong = await salvoAsync(
      'run',
      workers[0]!.url,
      '--proto',
      other,
      '--call',
      'salvo.worker.Worker/Sleep',
      '--data',
      '{"duration_seconds": 1}',
      '--rate',
      '10',
      '--duration',
      '300ms',
    );
    assert.equal(wrong.status, 2, wrong.stderr);
    assert.equal(
      wrong.stderr.trim(),
      `salvo: error: 127.0.0.1:${port} does not serve salvo.worker.Worker/Sleep: UNIMPLEMENTED (a wrong service or method for this server, or another .proto)`,
    );
    const log = path('calls.ndjson');
    const served = await salvoAsync('run', workers[0]!.url, ...call, '--rate', '20', '--duration', '500ms', '--ndjson', log, '--quiet');
    assert.equal(served.status, 0, served.stderr);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 10);
    for (const line of lines) {
      assert.equal(line.grpc, 'OK');
      assert.equal('status' in line, false);
    }
  });

  test('salvo run grpc:// at a rate (bucket) and at max throughput; every call completes', async () => {
    const [first, second] = workers as [TargetProcess, TargetProcess];
    // One after the other: a max-throughput run beside it would starve the paced one of CPU.
    const paced = await salvoAsync(
      'run',
      first.url,
      ...call,
      '--data',
      '{"ms": {{randomInt 0 1}}}',
      '--metadata',
      'x-run: paced',
      '--rate',
      '200',
      '--arrival',
      'bucket',
      '--bucket',
      '50ms',
      '--duration',
      '1s',
      '--out',
      path('paced.json'),
      '--quiet',
    );
    const flat = await salvoAsync(
      'run',
      second.url,
      ...call,
      '--data',
      '{"ms": 0}',
      '--connections',
      '2',
      '--streams',
      '8',
      '--duration',
      '1s',
      '--out',
      path('flat.json'),
    );
    assert.equal(paced.status, 0, paced.stderr);
    assert.equal(flat.status, 0, flat.stderr);
    assert.match(flat.stdout, /^salvo grpc:\/\/127\.0\.0\.1:\d+ salvo\.worker\.Worker\/Spin$/m);
    const { requests, errors } = (await readResult(path('paced.json'))).summary;
    // A batch that a busy machine starts too late is dropped whole, by design; every call sent completes.
    assert.equal(requests.sent + requests.droppedBy.lateBatch, 200);
    assert.ok(requests.sent > 0);
    assert.equal(requests.completed, requests.sent);
    const { lateBatch } = requests.droppedBy;
    assert.deepEqual(errors, lateBatch > 0 ? { dropped: lateBatch } : {}, 'no failure but the dropped batches');
    const pacedResult = await readResult(path('paced.json'));
    assert.deepEqual(pacedResult.plan.target.metadata, [['x-run', 'paced']]);
    const flatResult = await readResult(path('flat.json'));
    assert.ok(flatResult.summary.requests.completed > 20, `completed ${flatResult.summary.requests.completed}`);
    assert.equal(flatResult.summary.requests.failed, 0);
  });

  test('a plan file holds every gRPC flag; gRPC causes go through results, thresholds and merge', async () => {
    const plan = path('grpc.yaml');
    writeFileSync(
      plan,
      [
        'target:',
        `  url: ${workers[0]!.url}`,
        `  proto: ${WORKER_PROTO}`,
        `  call: ${WORKER_CALL}`,
        `  data: '{"ms": 60001}'`,
        '  metadata: [["x-run", "plan"]]',
        '  deadlineMs: 2s',
        '  streams: 4',
        'executor: { type: constant-arrival-rate, ratePerSec: 100, durationMs: 300ms }',
        'thresholds: [{ expression: "errors<1%" }]',
      ].join('\n'),
    );
    const outcomes = await Promise.all(['a', 'b'].map((name) => salvoAsync('run', plan, '--out', path(`${name}.json`), '--quiet')));
    for (const { status, stderr } of outcomes) assert.equal(status, 99, `the errors threshold fails: ${stderr}`);
    const result = await readResult(path('a.json'));
    assert.deepEqual(result.summary.errors, { grpc_INVALID_ARGUMENT: 30 });
    assert.deepEqual([result.plan.target.deadlineMs, result.plan.target.streams, result.plan.target.metadata], [2000, 4, [['x-run', 'plan']]]);
    const merged = salvo('merge', path('a.json'), path('b.json'), '--out', path('merged.json'));
    assert.equal(merged.status, 0, merged.stderr);
    assert.deepEqual((await readResult(path('merged.json'))).summary.errors, { grpc_INVALID_ARGUMENT: 60 });
  });
});
