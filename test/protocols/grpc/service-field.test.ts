import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { frameMessage, loadMethod, replyServiceReader } from '../../../src/protocols/grpc/index.js';
import { NO_SERVICE_TIME } from '../../../src/protocols/server-timing.js';
import { WORKER_CALL, WORKER_PROTO } from '../../../src/targets/grpc-worker.js';

const PROTO = `
syntax = "proto3";
message Nested { string text = 1; double service_ms = 2; }
message Reply { string name = 1; Nested nested = 2; double service_ms = 3; sint64 offset = 4; fixed64 big = 5; float ratio = 6; int32 signed = 7; }
message FloatReply { float serviceMs = 1; }
message IntReply { uint32 service_ms = 9; int64 other = 1; }
message SignedReply { int32 service_ms = 1; }
message RepeatedReply { repeated double service_ms = 1; }
message TextReply { string service_ms = 1; }
message NoField { double elapsed_ms = 1; }
`;
const root = protobuf.parse(PROTO).root;
const type = (name: string): protobuf.Type => root.lookupType(name);

/** The reader's answer for `value` encoded as `typeName`, framed as a gRPC reply. */
function serviceUsOf(typeName: string, value: Record<string, unknown>): number {
  const reader = replyServiceReader(type(typeName));
  assert.ok(reader, `${typeName} has a service field`);
  const framed = frameMessage(type(typeName).encode(type(typeName).fromObject(value)).finish());
  // Somewhere inside a larger buffer, as the session keeps it.
  const buffer = Buffer.concat([Buffer.from('xyz'), framed, Buffer.from('abc')]);
  return reader(buffer, 3, 3 + framed.length);
}

test('serviceMs is read from the reply message in place, whatever fields come before and after it', () => {
  assert.equal(
    serviceUsOf('Reply', { name: 'a'.repeat(40), nested: { text: 'x', serviceMs: 99 }, serviceMs: 12.5, offset: -7, big: 3, ratio: 0.5, signed: -1 }),
    12_500,
  );
  assert.equal(serviceUsOf('Reply', { serviceMs: 0.001 }), 1);
  assert.equal(serviceUsOf('FloatReply', { serviceMs: 2.5 }), 2500);
  assert.equal(serviceUsOf('IntReply', { other: -5, serviceMs: 300 }), 300_000);
  assert.equal(serviceUsOf('SignedReply', { serviceMs: 4 }), 4000);
  // The worker's own reply type.
  const worker = loadMethod(WORKER_PROTO, WORKER_CALL).responseType;
  const framed = frameMessage(worker.encode({ serviceMs: 10.25 }).finish());
  assert.equal(replyServiceReader(worker)!(framed, 0, framed.length), 10_250);
});

test('a reply without the field, with a bad value or not one whole message has no service time', () => {
  // proto3 leaves a zero out of the message: absent, like a reply that never set it.
  assert.equal(serviceUsOf('Reply', { name: 'x' }), NO_SERVICE_TIME);
  assert.equal(serviceUsOf('SignedReply', { serviceMs: -3 }), NO_SERVICE_TIME);
  assert.equal(serviceUsOf('Reply', { serviceMs: Number.NaN }), NO_SERVICE_TIME);
  const reader = replyServiceReader(type('Reply'))!;
  const framed = frameMessage(type('Reply').encode({ serviceMs: 5 }).finish());
  assert.equal(reader(framed, 0, framed.length - 1), NO_SERVICE_TIME, 'cut short');
  const compressed = Buffer.from(framed);
  compressed[0] = 1;
  assert.equal(reader(compressed, 0, compressed.length), NO_SERVICE_TIME, 'compressed');
  const truncatedField = Buffer.from([0, 0, 0, 0, 3, 0x19, 0, 0]); // a double's tag, then 2 of its 8 bytes
  assert.equal(reader(truncatedField, 0, truncatedField.length), NO_SERVICE_TIME);
  const group = Buffer.from([0, 0, 0, 0, 1, 0x0b]); // wire type 3: a group start, not read
  assert.equal(reader(group, 0, group.length), NO_SERVICE_TIME);
});

test('a reply type whose serviceMs is missing, repeated or not a number has no reader', () => {
  for (const name of ['NoField', 'RepeatedReply', 'TextReply']) assert.equal(replyServiceReader(type(name)), undefined, name);
});
