import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_STATUS } from '../../../src/metrics/causes.js';
import { grpcDialect } from '../../../src/protocols/grpc/index.js';
import { ABSENT, encodeHeaderBlock, HEADER_TABLE_BYTES, HpackDecoder } from '../../../src/protocols/http2/hpack.js';

const message = Buffer.from([0, 0, 0, 0, 0]);
const dialect = grpcDialect({
  authority: '127.0.0.1:50051',
  path: '/a.B/C',
  metadata: [
    ['X-Tenant', 'a'],
    ['x-tenant', 'b'],
  ],
  deadlineMs: 250,
  nextMessage: () => message,
  userAgent: 'salvo/test',
});

test('headers are built once: POST, application/grpc, te: trailers, the deadline as grpc-timeout, metadata lower-cased', () => {
  const expected = encodeHeaderBlock([
    [':method', 'POST'],
    [':scheme', 'http'],
    [':path', '/a.B/C'],
    [':authority', '127.0.0.1:50051'],
    ['content-type', 'application/grpc'],
    ['te', 'trailers'],
    ['user-agent', 'salvo/test'],
    ['x-tenant', 'a'],
    ['x-tenant', 'b'],
    ['grpc-timeout', '250m'],
  ]);
  assert.deepEqual(dialect.headerBlock, expected);
  assert.equal(dialect.nextBody(), message);
  assert.deepEqual(dialect.deadline, { us: 250_000, cause: 'grpc_DEADLINE_EXCEEDED' });
  assert.equal(
    grpcDialect({ authority: 'h:1', path: '/a.B/C', metadata: [], deadlineMs: undefined, nextMessage: () => message, userAgent: 'u' }).deadline,
    undefined,
  );
});

type Fields = Record<string, string>;

/** Judges an answer as a session does: each block decoded, the dialect's fields kept from whichever block carries them. */
function judge(headers: Fields, trailers: Fields | undefined): number | string {
  const decoder = new HpackDecoder(HEADER_TABLE_BYTES, dialect.fields);
  const values = new Float64Array(dialect.fields.length).fill(ABSENT);
  let status = 0;
  for (const block of trailers === undefined ? [headers] : [headers, trailers]) {
    const encoded = encodeHeaderBlock(Object.entries(block));
    const blockStatus = decoder.decode(encoded, 0, encoded.length);
    if (blockStatus > 0) status = blockStatus;
    dialect.fields.forEach((_, i) => {
      if (decoder.value(i) !== ABSENT) values[i] = decoder.value(i);
    });
  }
  return dialect.judge(status, values, 0);
}

test('an answer is judged by grpc-status, in the trailers or (trailers-only) in the headers, else by its HTTP status', () => {
  const ok: Fields = { ':status': '200', 'content-type': 'application/grpc' };
  const cases: [Fields, Fields | undefined, number | string][] = [
    [ok, { 'grpc-status': '0' }, NO_STATUS],
    [ok, { 'grpc-status': '14', 'grpc-message': 'down' }, 'grpc_UNAVAILABLE'],
    [ok, { 'grpc-status': '4' }, 'grpc_DEADLINE_EXCEEDED'],
    [ok, { 'grpc-status': '16' }, 'grpc_UNAUTHENTICATED'],
    [ok, { 'grpc-status': '1' }, 'grpc_CANCELLED'],
    [ok, { 'grpc-status': '99' }, 'grpc_UNKNOWN'],
    [{ ...ok, 'grpc-status': '12' }, undefined, 'grpc_UNIMPLEMENTED'],
    [{ ...ok, 'grpc-status': '0' }, undefined, NO_STATUS],
    [ok, undefined, 'protocol'],
    [ok, { 'grpc-status': 'x' }, 'protocol'],
    [ok, { 'grpc-status': '' }, 'protocol'],
    [{ ':status': '503' }, undefined, 'grpc_UNAVAILABLE'],
    [{ ':status': '404' }, undefined, 'grpc_UNIMPLEMENTED'],
    [{ ':status': '401' }, undefined, 'grpc_UNAUTHENTICATED'],
    [{ ':status': '500' }, undefined, 'grpc_UNKNOWN'],
  ];
  for (const [headers, trailers, outcome] of cases) assert.equal(judge(headers, trailers), outcome, JSON.stringify([headers, trailers]));
});
