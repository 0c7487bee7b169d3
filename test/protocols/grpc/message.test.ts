import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrpcCallError, loadMethod, messageSource, unframeMessage } from '../../../src/protocols/grpc/index.js';
import { ECHO_CALL, ECHO_PROTO } from './protos.js';

const { requestType, path } = loadMethod(ECHO_PROTO, ECHO_CALL);

function decode(framed: Buffer): Record<string, unknown> {
  return requestType.toObject(requestType.decode(unframeMessage(framed)!), { longs: Number }) as Record<string, unknown>;
}

test('the method is found by package.Service/Method and its :path is /package.Service/Method', () => {
  assert.equal(path, '/salvo.test.Echo/Say');
  assert.equal(requestType.fullName, '.salvo.test.Note');
});

test('constant data is encoded once: every call sends the same buffer', () => {
  const next = messageSource(requestType, '{"text": "hi", "inner": {"id": "a"}, "items": [{"id": "b"}]}');
  const first = next();
  assert.equal(next(), first);
  assert.deepEqual(decode(first), { text: 'hi', inner: { id: 'a' }, items: [{ id: 'b' }] });
});

test('field names as declared (snake_case) or in lowerCamelCase, as proto3 JSON takes them, nested and repeated too', () => {
  const expected = { inner: { id: 'a', durationSeconds: 5 }, items: [{ durationSeconds: 6 }] };
  assert.deepEqual(decode(messageSource(requestType, '{"inner": {"id": "a", "duration_seconds": 5}, "items": [{"duration_seconds": 6}]}')()), expected);
  assert.deepEqual(decode(messageSource(requestType, '{"inner": {"id": "a", "durationSeconds": 5}, "items": [{"durationSeconds": 6}]}')()), expected);
  const templated = messageSource(requestType, '{"inner": {"duration_seconds": {{seq}}}}');
  assert.deepEqual([templated(), templated()].map(decode), [{ inner: { durationSeconds: 1 } }, { inner: { durationSeconds: 2 } }]);
});

test("the ends of an integer field's range are accepted", () => {
  const next = messageSource(requestType, '{"number": 4294967295, "seq": -9223372036854775808}');
  assert.deepEqual(requestType.toObject(requestType.decode(unframeMessage(next())!), { longs: String }), {
    number: 4294967295,
    seq: '-9223372036854775808',
  });
});

test('templated data is rendered and encoded per call', () => {
  const next = messageSource(requestType, '{"seq": {{seq}}, "number": {{randomInt 5 6}}, "text": "{{uuid}}"}');
  const calls = [next(), next(), next()].map(decode);
  assert.deepEqual(
    calls.map((call) => call.seq),
    [1, 2, 3],
  );
  for (const call of calls) assert.ok(call.number === 5 || call.number === 6, `number ${String(call.number)}`);
  assert.equal(new Set(calls.map((call) => call.text)).size, 3, 'a fresh uuid each call');
});

test('data that is not JSON or does not fit the message is a one-line error before any call', () => {
  const cases: [string, RegExp][] = [
    ['{text', /^data is not JSON: /],
    ['[1]', /^data does not fit salvo\.test\.Note: data must be a JSON object$/],
    ['{"txt": "x"}', /^data does not fit salvo\.test\.Note: data has no field "txt" \(fields: text, seq, number, inner, items\)$/],
    ['{"inner": {"di": "x"}}', /^data does not fit salvo\.test\.Note: data\.inner has no field "di" \(fields: id, durationSeconds\)$/],
    ['{"items": [{"id": "a"}, {"x": 1}]}', /data\.items has no field "x"/],
    ['{"number": "many"}', /^data does not fit salvo\.test\.Note: data: number: integer expected$/],
    ['{"number": -5}', /^data does not fit salvo\.test\.Note: data\.number: -5 is outside the range of a uint32 \(0 to 4294967295\)$/],
    ['{"number": 1e20}', /data\.number: 100000000000000000000 is outside the range of a uint32/],
    ['{"seq": 9223372036854775808}', /data\.seq: 9223372036854776000 is outside the range of a int64/],
    ['{"text": {{seq}}}', /text: string expected/],
    ['{"text": "{{user.id}}"}', /^data: \{\{user\.id\}\} has no value here$/],
    ['{"text": "{{nope}}"}', /^data: unknown placeholder \{\{nope\}\}/],
  ];
  for (const [data, pattern] of cases) {
    assert.throws(
      () => messageSource(requestType, data),
      (error: Error) => error instanceof GrpcCallError && pattern.test(error.message) && !error.message.includes('\n'),
      data,
    );
  }
});

test('a .proto that does not load, or lacks the method, is a one-line error naming what there is', () => {
  const cases: [string, string, RegExp][] = [
    ['/nonexistent/x.proto', ECHO_CALL, /^cannot load proto "\/nonexistent\/x\.proto": ENOENT/],
    [ECHO_PROTO, 'salvo.test.Nope/Say', /^no service "salvo\.test\.Nope" in .*echo\.proto \(services: salvo\.test\.Echo\)$/],
    [ECHO_PROTO, 'salvo.test.Echo/Shout', /^no method "Shout" in salvo\.test\.Echo \(methods: Say, Listen\)$/],
    [ECHO_PROTO, 'salvo.test.Echo/Listen', /^salvo\.test\.Echo\/Listen is a streaming method: salvo calls unary methods only$/],
    [ECHO_PROTO, 'salvo.test.Note/Say', /^no service "salvo\.test\.Note"/],
  ];
  for (const [proto, call, pattern] of cases)
    assert.throws(
      () => loadMethod(proto, call),
      (error: Error) => error instanceof GrpcCallError && pattern.test(error.message),
      call,
    );
});
