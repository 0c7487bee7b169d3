import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { validatePlan, type PlanInput } from '../../../src/plan/index.js';
import { run } from '../../../src/runner/index.js';
import { startGrpcWorker, WORKER_PROTO } from '../../../src/targets/grpc-worker.js';
import type { RunningTarget } from '../../../src/targets/http-server.js';
import { startH2cBehaviourServer } from '../conformance/h2c-fixture.js';
import { ECHO_CALL, ECHO_PROTO } from './protos.js';

// @grpc/grpc-js is the reference gRPC implementation for Node: salvo's client must work against its
// server, and its client against salvo's worker.

type Loaded = Record<string, any>; // proto-loader builds the package objects at run time, untyped
const load = (file: string): Loaded => grpc.loadPackageDefinition(protoLoader.loadSync(file, { longs: Number, defaults: true })) as Loaded;

interface Seen {
  seqs: number[];
  tenants: string[];
  deadlines: number;
}

/** An Echo server: Say echoes, or fails with the code in "status:N", or answers after "sleep:MS". */
async function startEchoServer(seen: Seen): Promise<{ url: string; close(): void }> {
  const server = new grpc.Server();
  server.addService(load(ECHO_PROTO).salvo.test.Echo.service, {
    Say: (call: grpc.ServerUnaryCall<{ text: string; seq: number }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      seen.seqs.push(call.request.seq);
      seen.tenants.push(...call.metadata.get('x-tenant').map(String));
      if (call.getDeadline() !== Infinity) seen.deadlines++;
      const [verb, argument] = call.request.text.split(':');
      if (verb === 'status') callback({ code: Number(argument), details: 'as asked' });
      else if (verb === 'sleep') setTimeout(() => callback(null, call.request), Number(argument));
      else callback(null, call.request);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { url: `grpc://127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

const atRate = (ratePerSec: number, durationMs: number): PlanInput['executor'] => ({ type: 'constant-arrival-rate', ratePerSec, durationMs });

describe('salvo gRPC client against a @grpc/grpc-js server', () => {
  const seen: Seen = { seqs: [], tenants: [], deadlines: 0 };
  let server: Awaited<ReturnType<typeof startEchoServer>>;
  before(async () => (server = await startEchoServer(seen)));
  after(() => server.close());
  const target = (data: string, extra: Partial<PlanInput['target']> = {}): PlanInput['target'] => ({
    url: server.url,
    proto: ECHO_PROTO,
    call: ECHO_CALL,
    data,
    ...extra,
  });

  test('every call arrives once, with its templated message and the metadata, and completes', async () => {
    seen.seqs.length = seen.tenants.length = seen.deadlines = 0;
    const result = await run(
      validatePlan({ target: target('{"text": "hi", "seq": {{seq}}}', { metadata: [['X-Tenant', 'blue']] }), executor: atRate(200, 500), connections: 2 }),
    );
    assert.equal(result.summary.requests.completed, 100);
    assert.deepEqual(result.summary.errors, {});
    assert.deepEqual(result.summary.statusCodes, {}, 'a gRPC OK has no status code');
    assert.deepEqual(
      [...seen.seqs].sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, index) => index + 1),
    );
    assert.deepEqual(new Set(seen.tenants), new Set(['blue']));
    assert.equal(seen.tenants.length, 100);
    assert.equal(seen.deadlines, 0, 'no deadline unless asked');
  });

  test('gRPC statuses count as causes by their names', async () => {
    const cases: [number, string][] = [
      [14, 'grpc_UNAVAILABLE'],
      [5, 'grpc_NOT_FOUND'],
      [8, 'grpc_RESOURCE_EXHAUSTED'],
      [13, 'grpc_INTERNAL'],
    ];
    for (const [code, cause] of cases) {
      const result = await run(validatePlan({ target: target(`{"text": "status:${code}"}`), executor: atRate(100, 200) }));
      assert.deepEqual(result.summary.errors, { [cause]: 20 }, cause);
      assert.equal(result.summary.requests.completed, 0);
    }
  });

  test('--deadline is sent as grpc-timeout, and a call that outlives it is DEADLINE_EXCEEDED', async () => {
    seen.deadlines = 0;
    const result = await run(validatePlan({ target: target('{"text": "sleep:400"}', { deadlineMs: 50 }), executor: atRate(50, 200), gracefulStopMs: 2000 }));
    assert.deepEqual(result.summary.errors, { grpc_DEADLINE_EXCEEDED: 10 });
    assert.equal(seen.deadlines, 10, 'the server saw a deadline on every call');
  });

  test('max throughput over several streams per connection completes without errors', async () => {
    const result = await run(
      validatePlan({ target: target('{"text": "hi"}', { streams: 8 }), executor: { type: 'max-throughput', durationMs: 300 }, connections: 2 }),
    );
    // Every call started completes (a count in a fixed time would measure the machine, not the streams).
    const { sent, completed, failed } = result.summary.requests;
    assert.ok(completed > 0 && completed === sent && failed === 0, JSON.stringify(result.summary.requests));
  });
});

test('a server that never answers fails each call as grpc_DEADLINE_EXCEEDED when the deadline is shorter than the timeout', async () => {
  const server = await startH2cBehaviourServer({ scheme: 'grpc', answer: () => {}, partial: () => {} }, 'hang');
  try {
    const result = await run(
      validatePlan({ target: { url: server.url, proto: ECHO_PROTO, call: ECHO_CALL, deadlineMs: 100 }, executor: atRate(40, 250), timeoutMs: 5000 }),
    );
    assert.deepEqual(result.summary.errors, { grpc_DEADLINE_EXCEEDED: 10 });
  } finally {
    await server.close();
  }
});

describe('a @grpc/grpc-js client against salvo serve grpc-worker', () => {
  let worker: RunningTarget;
  let client: grpc.Client & Record<string, any>; // its methods come from the .proto at run time
  before(async () => {
    worker = await startGrpcWorker();
    client = new (load(WORKER_PROTO).salvo.worker.Worker)(worker.url.replace('grpc://', ''), grpc.credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await worker.close();
  });

  const spin = (request: unknown): Promise<{ reply?: { serviceMs: number }; error?: grpc.ServiceError; trailers?: grpc.Metadata }> =>
    new Promise((resolve) => {
      let trailers: grpc.Metadata | undefined;
      const call = client.Spin(request, (error: grpc.ServiceError | null, reply: { serviceMs: number }) =>
        setImmediate(() => resolve(error ? { error } : { reply, trailers })),
      );
      call.on('status', (status: grpc.StatusObject) => (trailers = status.metadata));
    });

  test('Spin keeps the CPU busy for the ms asked and answers with the service time, in the reply and in server-timing', async () => {
    const { reply, trailers, error } = await spin({ ms: 20 });
    assert.equal(error, undefined);
    assert.ok(reply!.serviceMs >= 20, `serviceMs ${reply!.serviceMs}`);
    const [timing] = trailers!.get('server-timing');
    assert.match(String(timing), /^app;dur=\d+\.\d{3}$/);
    assert.equal(String(timing), `app;dur=${reply!.serviceMs.toFixed(3)}`, 'the trailer and the reply say the same');
  });

  test('ms above the limit is INVALID_ARGUMENT; an unknown method is UNIMPLEMENTED', async () => {
    assert.equal((await spin({ ms: 60_001 })).error?.code, grpc.status.INVALID_ARGUMENT);
    const unknown = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.makeUnaryRequest(
        '/salvo.worker.Worker/Nope',
        (value: Buffer) => value,
        (value: Buffer) => value,
        Buffer.alloc(0),
        (error) => resolve(error),
      ),
    );
    assert.equal(unknown?.code, grpc.status.UNIMPLEMENTED);
  });
});
