import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../src/schedule/random.js';
import { compileJsonTemplate, compileTemplate, TemplateError, type TemplateScope } from '../../src/plan/template.js';

const scope = (extra: Partial<TemplateScope> = {}): TemplateScope => ({
  user: { id: 7, type: 'Browser' },
  seq: 3,
  vars: { token: 'abc', nested: { depth: 2 } },
  data: { accounts: { name: 'acme', id: 12 } },
  random: seededRandom(1),
  ...extra,
});

describe('templates', () => {
  test('text without placeholders is constant', () => {
    const template = compileTemplate('/items?page=1');
    assert.equal(template.constant, '/items?page=1');
    assert.equal(template.render(scope()), '/items?page=1');
  });

  test('paths read the scope', () => {
    const template = compileTemplate('/u/{{user.id}}/{{ user.type }}/{{seq}}?t={{vars.token}}&a={{data.accounts.name}}&d={{vars.nested.depth}}');
    assert.equal(template.constant, undefined);
    assert.equal(template.render(scope()), '/u/7/Browser/3?t=abc&a=acme&d=2');
  });

  test("helpers draw from the scope's random source, within their bounds", () => {
    const ints = compileTemplate('{{randomInt 5 7}}');
    const strings = compileTemplate('{{randomString 12}}');
    const picks = compileTemplate('{{pick red green}}');
    const random = seededRandom(9);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const value = Number(ints.render(scope({ random })));
      assert.ok(value >= 5 && value <= 7 && Number.isInteger(value));
      seen.add(String(value));
      assert.match(strings.render(scope({ random })), /^[A-Za-z0-9]{12}$/);
      assert.ok(['red', 'green'].includes(picks.render(scope({ random }))));
    }
    assert.deepEqual([...seen].sort(), ['5', '6', '7']);
    assert.match(compileTemplate('{{uuid}}').render(scope()), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('JSON templates render every string and keep the shape', () => {
    const render = compileJsonTemplate({ event: 'HELLO', param: { user: '{{user.id}}', list: ['{{seq}}', 1, true, null] } });
    assert.deepEqual(render(scope()), { event: 'HELLO', param: { user: '7', list: ['3', 1, true, null] } });
  });

  const bad: [string, RegExp][] = [
    ['{{nope}}', /unknown placeholder \{\{nope\}\}/],
    ['{{randomInt 5}}', /randomInt <min> <max>/],
    ['{{randomInt 9 1}}', /min ≤ max/],
    ['{{randomInt a b}}', /whole numbers/],
    ['{{randomString 0}}', /length ≥ 1/],
    ['{{pick}}', /pick <choice>/],
    ['{{uuid 4}}', /no arguments/],
    ['{{user}}', /unknown placeholder/],
  ];
  for (const [text, message] of bad) {
    test(`refused when compiled: ${text}`, () => {
      assert.throws(
        () => compileTemplate(text),
        (error: unknown) => error instanceof TemplateError && message.test(error.message),
      );
    });
  }

  test('a path with no value fails when rendered, naming the placeholder', () => {
    assert.throws(() => compileTemplate('{{vars.missing}}').render(scope()), /\{\{vars\.missing\}\} has no value here/);
  });
});
