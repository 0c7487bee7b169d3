import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileTemplate, GrpcCallError } from '../../../src/protocols/grpc/index.js';

test('text without slots is constant and rendered as is', () => {
  const template = compileTemplate('{"ms": 100, "text": "{ not a slot }"}');
  assert.equal(template.constant, true);
  assert.equal(template.render(7), '{"ms": 100, "text": "{ not a slot }"}');
});

test('{{seq}} is the request number, and the literal text around slots is kept', () => {
  const template = compileTemplate('{"seq": {{seq}}, "again": "{{ seq }}"}');
  assert.equal(template.constant, false);
  assert.equal(template.render(0), '{"seq": 0, "again": "0"}');
  assert.equal(template.render(41), '{"seq": 41, "again": "41"}');
});

test('{{randInt MIN MAX}} draws whole numbers from MIN to MAX, both included', () => {
  const template = compileTemplate('{{randInt -1 1}}');
  const seen = new Set<string>();
  for (let i = 0; i < 300; i++) seen.add(template.render(i));
  assert.deepEqual([...seen].sort(), ['-1', '0', '1']);
});

test('{{uuid}} is a fresh version 4 UUID each time', () => {
  const template = compileTemplate('{{uuid}}');
  const first = template.render(0);
  assert.match(first, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(template.render(0), first);
});

test('a slot that is not known or not well formed is a one-line error', () => {
  const cases: [string, RegExp][] = [
    ['{{nope}}', /^unknown template "\{\{nope\}\}" \(known: \{\{seq\}\}, \{\{uuid\}\}, \{\{randInt MIN MAX\}\}\)$/],
    ['{{randInt 1}}', /^template "\{\{randInt 1\}\}" must be \{\{randInt MIN MAX\}\} with whole numbers$/],
    ['{{randInt 1 x}}', /must be \{\{randInt MIN MAX\}\} with whole numbers/],
    ['{{randInt 5 1}}', /MIN is above MAX/],
    ['{{seq 3}}', /^template "\{\{seq 3\}\}" must be \{\{seq\}\}$/],
  ];
  for (const [text, pattern] of cases) assert.throws(() => compileTemplate(text), (error: Error) => error instanceof GrpcCallError && pattern.test(error.message), text);
});
