import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COLORS, wantsColor } from '../../src/report/color.js';
import { renderSummary } from '../../src/report/terminal-summary.js';
import type { RunResult, ThresholdResult } from '../../src/result/types.js';
import { syntheticRunResult } from '../support/synthetic-run-result.js';

/** A finished run whose plan holds `thresholds`' expressions, judged as given (undefined: not judged). */
function resultWith(thresholds: ThresholdResult[] | undefined, extra: Partial<RunResult> = {}): RunResult {
  // The dropped requests give the summary a warning to color.
  const result = syntheticRunResult({ seconds: [{ latenciesUs: Array.from({ length: 100 }, () => 1000), dropped: 3 }] });
  const expressions = (thresholds ?? [{ expression: 'p99<5ms' }]).map(({ expression }) => ({ expression, abortOnFail: false }));
  return { ...result, plan: { ...result.plan, thresholds: expressions }, ...(thresholds ? { thresholds } : {}), ...extra };
}

const THRESHOLDS: ThresholdResult[] = [
  { expression: 'p99<250ms', passed: true, actual: 1.5, unit: 'ms' },
  { expression: 'errors<1%', passed: false, actual: 4.25, unit: '%' },
  { expression: 'rate>=0.99*target', passed: true, actual: 99.5, unit: 'req/s' },
  { expression: 'p50<0.001ms', passed: false, actual: 0.62, unit: 'ms', second: 2, abortedRun: true },
];

const ESCAPE = '\x1b';

describe('terminal summary', () => {
  test('each threshold with ✓ or ✗ and its actual value, aligned', () => {
    const lines = renderSummary(resultWith(THRESHOLDS));
    const start = lines.indexOf('  thresholds');
    assert.ok(start > 0);
    assert.deepEqual(lines.slice(start + 1), [
      '    ✓ p99<250ms            1.5ms',
      '    ✗ errors<1%            4.25%',
      '    ✓ rate>=0.99*target   99.5/s',
      '    ✗ p50<0.001ms          620µs   in 2s-3s, which ended the run',
    ]);
  });

  test('without a palette there is no escape code; with one, ✓ is green, ✗ red and warnings yellow', () => {
    const result = resultWith(THRESHOLDS);
    assert.ok(result.summary.warnings.length > 0, 'the synthetic run has a warning');
    assert.ok(!renderSummary(result).join('\n').includes(ESCAPE));
    const colored = renderSummary(result, COLORS);
    assert.ok(colored.includes('    \x1b[32m✓\x1b[39m p99<250ms            1.5ms'));
    assert.ok(colored.includes('    \x1b[31m✗\x1b[39m errors<1%            4.25%'));
    assert.ok(colored.some((line) => line.startsWith('\x1b[33m  warning: ') && line.endsWith('\x1b[39m')));
  });

  test('failures show their rate in % beside the count, of requests sent', () => {
    const lines = renderSummary(syntheticRunResult({ seconds: [{ latenciesUs: Array.from({ length: 97 }, () => 1000), failed: 3 }] }));
    const header = lines.findIndex((line) => line.startsWith('  requests'));
    assert.match(lines[header + 1]!, /^\s+100\s+97\s+3 \(3%\)\s+0$/);
    assert.ok(lines.includes('  errors      timeout 3   (3% of sent failed)'), lines.join('\n'));
    const clean = renderSummary(syntheticRunResult({ seconds: [{ latenciesUs: [1000] }] }));
    assert.match(clean[clean.findIndex((line) => line.startsWith('  requests')) + 1]!, /\s0 \(0%\)\s+0$/);
    assert.ok(clean.includes('  errors      none'));
  });

  test('a run cut short by a signal says its thresholds were not judged', () => {
    const lines = renderSummary(resultWith(undefined, { interrupted: true, interruptReason: 'SIGINT' }));
    assert.equal(lines.at(-1), '  thresholds  not judged: the run was interrupted (SIGINT)');
  });

  test('a result from before thresholds existed renders without a thresholds section', () => {
    const old = resultWith(undefined);
    delete (old.plan as Partial<RunResult['plan']>).thresholds;
    assert.ok(!renderSummary(old).some((line) => line.includes('thresholds')));
  });

  test("the target's own statistics and the scripts' counters, when the run has them", () => {
    const breakdown = {
      tasks: [],
      userTypes: [],
      phases: [],
      checks: [],
      exceptions: [],
      counters: [{ name: 'protocol violation: HELLO is not valid in state in-measure', count: 1234 }],
    };
    const lines = renderSummary(resultWith(undefined, { breakdown, targetStatistics: { n: 5000, average: 12.3456, min: 12, max: 13 } }));
    assert.ok(lines.includes("  target's own statistics (since it started)   n 5,000   average 12.35   min 12   max 13"));
    const counter = lines.findIndex((line) => line.startsWith('  counter'));
    assert.ok(counter > 0);
    assert.match(lines[counter + 1]!, /^ {2}protocol violation: HELLO is not valid in state in-measure +1,234$/);
    assert.ok(!renderSummary(resultWith(undefined)).some((line) => line.includes("target's own statistics") || line.startsWith('  counter')));
  });
});

describe('wantsColor', () => {
  const cases: [string, boolean | undefined, NodeJS.ProcessEnv, boolean][] = [
    ['a terminal', true, {}, true],
    ['a pipe', false, {}, false],
    ['a stream that does not say', undefined, {}, false],
    ['NO_COLOR=1 on a terminal', true, { NO_COLOR: '1' }, false],
    ['an empty NO_COLOR on a terminal', true, { NO_COLOR: '' }, true],
    ['FORCE_COLOR=0 on a terminal', true, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', true, { FORCE_COLOR: 'false' }, false],
    ['FORCE_COLOR=1 in a pipe', false, { FORCE_COLOR: '1' }, true],
    ['NO_COLOR over FORCE_COLOR', true, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ];
  for (const [name, isTTY, env, expected] of cases) {
    test(`${name}: ${expected ? 'colors' : 'no colors'}`, () => {
      assert.equal(wantsColor(isTTY === undefined ? {} : { isTTY }, env), expected);
    });
  }
});
