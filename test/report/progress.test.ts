import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SecondSample } from '../../src/metrics/recorder.js';
import { validatePlan } from '../../src/plan/index.js';
import { progressBlock, progressLine, type ProgressFrame } from '../../src/report/progress.js';
import { ProgressFrames } from '../../src/report/progress-frames.js';
import { ProgressPrinter } from '../../src/report/progress-printer.js';
import { syntheticRunResult, type SyntheticSecond } from '../support/synthetic-run-result.js';

const plan = validatePlan({ target: { url: 'http://127.0.0.1:1/' }, executor: { type: 'constant-arrival-rate', ratePerSec: 20, durationMs: 6000 } });
const ESCAPE = '\x1b';
const ANSWERED: SyntheticSecond = { latenciesUs: Array.from({ length: 20 }, () => 1000) };
/** The closed seconds of a run made of `seconds`, numbered from 0. */
const secondsOf = (...seconds: SyntheticSecond[]) => syntheticRunResult({ seconds }).series;

/** A stream that keeps each write apart. */
function capture(columns?: number) {
  const writes: string[] = [];
  return { writes, out: { write: (text: string) => writes.push(text), ...(columns ? { columns } : {}) } };
}

/** A printer fed as the CLI feeds it: each second made into a frame first. */
function printer(isTTY: boolean, out: { write(text: string): unknown }, everySeconds = 1) {
  const frames = new ProgressFrames(plan, () => 42);
  const progress = new ProgressPrinter({ out, isTTY, everySeconds });
  return {
    onSecond: (second: SecondSample, inFlight: number) => progress.print(frames.next(second, { inFlight })),
    stop: () => progress.stop(),
  };
}

const frame = (overrides: Partial<ProgressFrame> = {}): ProgressFrame => ({
  elapsedSeconds: 2,
  durationMs: 6000,
  targetRate: 20,
  last: secondsOf({ latenciesUs: Array.from({ length: 19 }, () => 1000), failed: 1 })[0]!,
  errors: { timeout: 3, refused: 1 },
  inFlight: 4,
  cpuPercent: 42.4,
  ...overrides,
});

describe('progress formatting', () => {
  test('a line holds time, rate against target, last-second latency, errors, in flight and CPU', () => {
    assert.equal(progressLine(frame()), '[2s of 6s, 4s left] 19/s of 20/s  p50 1ms  p99 1ms  errors timeout 3  refused 1  in flight 4  CPU 42%');
  });

  test('max throughput has no target, and past the duration the run waits for answers', () => {
    assert.match(
      progressLine(frame({ targetRate: null, elapsedSeconds: 7, errors: {} })),
      /^\[7s of 6s, sending done, waiting for answers\] 19\/s of max .* errors none /,
    );
    assert.match(progressLine(frame({ targetRate: 'users', elapsedSeconds: 2, errors: {} })), /^\[2s of 6s, 4s left\] 19\/s \(virtual users\) /);
  });

  test('the block is four lines with a bar filled by the elapsed share', () => {
    const lines = progressBlock(frame({ elapsedSeconds: 3 }));
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^ {2}█{15}░{15} {2}3s of 6s, 3s left$/);
    assert.match(progressBlock(frame({ elapsedSeconds: 9 }))[0]!, /^ {2}█{30} /);
  });
});

describe('ProgressPrinter', () => {
  test('without a terminal: one plain line per interval, nothing that redraws', () => {
    const { writes, out } = capture();
    const progress = printer(false, out, 2);
    for (const second of secondsOf(...Array.from({ length: 6 }, () => ANSWERED))) progress.onSecond(second, 3);
    progress.stop();
    assert.equal(writes.length, 3);
    assert.deepEqual(
      writes.map((text) => text.slice(0, text.indexOf(']') + 1)),
      ['[2s of 6s, 4s left]', '[4s of 6s, 2s left]', '[6s of 6s, sending done, waiting for answers]'],
    );
    for (const text of writes) {
      assert.ok(text.endsWith('\n') && text.indexOf('\n') === text.length - 1, 'one line per write');
      assert.ok(!text.includes(ESCAPE), 'no escape codes');
    }
  });

  test('errors add up across seconds', () => {
    const { writes, out } = capture();
    const progress = printer(false, out);
    for (const second of secondsOf({ failed: 2, dropped: 1 }, { failed: 1 })) progress.onSecond(second, 0);
    assert.match(writes[0]!, / errors timeout 2 {2}dropped 1 {2}in flight/);
    assert.match(writes[1]!, / errors timeout 3 {2}dropped 1 {2}in flight/);
  });

  test('on a terminal: every second redraws the block over the same number of lines, and stop() takes it away', () => {
    const { writes, out } = capture();
    const progress = printer(true, out, 5);
    for (const second of secondsOf(ANSWERED, ANSWERED, ANSWERED)) progress.onSecond(second, 1);
    assert.equal(writes.length, 3, 'a redraw every second, whatever the interval');
    assert.ok(!writes[0]!.includes(ESCAPE), 'the first draw moves nothing');
    assert.equal(writes[0]!.split('\n').length - 1, 4);
    for (const redraw of writes.slice(1)) {
      assert.ok(redraw.startsWith('\x1b[4A\x1b[0J'), JSON.stringify(redraw.slice(0, 12)));
      assert.equal(redraw.split('\n').length - 1, 4, 'moves up as many lines as it then writes');
    }
    progress.stop();
    assert.equal(writes.at(-1), '\x1b[4A\x1b[0J');
  });

  test('on a narrow terminal, lines are cut so that none wraps', () => {
    const { writes, out } = capture(24);
    printer(true, out).onSecond(secondsOf(ANSWERED)[0]!, 1);
    for (const line of writes[0]!.split('\n')) assert.ok(line.length <= 23, JSON.stringify(line));
  });

  test('stop() before anything was drawn writes nothing', () => {
    const { writes, out } = capture();
    printer(true, out).stop();
    assert.deepEqual(writes, []);
  });
});
