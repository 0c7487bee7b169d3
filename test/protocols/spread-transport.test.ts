import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CountingListener, SpreadTransport } from '../../src/protocols/spread-transport.js';
import type { ExchangeListener, Transport } from '../../src/protocols/transport.js';
import { seededRandom } from '../../src/schedule/random.js';

/** A transport with `free` slots that records which intended times it was given. */
class SlotTransport implements Transport {
  readonly sent: number[] = [];
  constructor(public free: number) {}
  trySend(intendedUs: number): boolean {
    if (this.free === 0) return false;
    this.free--;
    this.sent.push(intendedUs);
    return true;
  }
  setMaxConnections(): void {}
  inFlight(): number {
    return this.sent.length;
  }
  expire(): void {}
  close(): void {}
}

describe('SpreadTransport', () => {
  test('draws each request a target by weight, the same sequence for the same seed', () => {
    const sequence = (seed: number): number[] => {
      const targets = [new SlotTransport(Infinity), new SlotTransport(Infinity)];
      const spread = new SpreadTransport(targets, [1, 3], seededRandom(seed));
      const drawn: number[] = [];
      for (let index = 0; index < 4000; index++) {
        spread.trySend(index);
        drawn.push(targets[0]!.sent.at(-1) === index ? 0 : 1);
      }
      return drawn;
    };
    const first = sequence(11);
    assert.deepEqual(sequence(11), first);
    assert.notDeepEqual(sequence(12), first);
    const share = first.filter((target) => target === 0).length / first.length;
    assert.ok(Math.abs(share - 0.25) <= 5 * Math.sqrt((0.25 * 0.75) / first.length), `share ${share}`);
  });

  test('a drawn target without a free slot keeps its request, even when another target has one', () => {
    // Draws below 1/4 pick the first target: the first draw (0.1) picks it, the next (0.9) the second.
    const draws = [0.1, 0.9];
    const full = new SlotTransport(0);
    const free = new SlotTransport(Infinity);
    const spread = new SpreadTransport([full, free], [1, 3], () => draws.shift()!);
    assert.equal(spread.trySend(1), false);
    assert.equal(spread.trySend(2), false);
    assert.deepEqual(free.sent, []);
    full.free = 1;
    assert.equal(spread.trySend(3), true);
    assert.deepEqual(full.sent, [3]);
    assert.equal(spread.trySend(4), true);
    assert.deepEqual(free.sent, [4]);
    assert.equal(spread.inFlight(), 2);
  });
});

describe('CountingListener', () => {
  test('counts a target like the summary: an error status is a failure, and passes every event on', () => {
    const events: string[] = [];
    const inner: ExchangeListener = {
      onSent: () => events.push('sent'),
      onResponse: (_intended, _sent, _done, status) => events.push(`response ${status}`),
      onFailure: (_intended, _sent, _done, cause) => events.push(`failure ${cause}`),
      onSlotFree: () => events.push('free'),
    };
    const listener = new CountingListener(inner, 'http://127.0.0.1:1/', 2);
    listener.onSent(0, 1);
    listener.onResponse(0, 1, 2, 200);
    listener.onResponse(0, 1, 2, 503);
    listener.onFailure(0, 1, 2, 'timeout');
    listener.onSlotFree();
    assert.deepEqual(listener.counts, { url: 'http://127.0.0.1:1/', weight: 2, sent: 1, completed: 1, failed: 2 });
    assert.deepEqual(events, ['sent', 'response 200', 'response 503', 'failure timeout', 'free']);
  });
});
