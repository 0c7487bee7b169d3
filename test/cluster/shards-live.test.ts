import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { ShardsLive, type JoinedSecond, type ShardCommand } from '../../src/cluster/shards-live.js';
import { createHistogram, encodeHistogram } from '../../src/metrics/histogram.js';
import type { SecondSample } from '../../src/metrics/recorder.js';

/** A steering stream as the shard reads it: the commands written to it, and whether it was ended. */
function stream(): { response: ServerResponse; commands: ShardCommand[]; ended: () => boolean } {
  const commands: ShardCommand[] = [];
  let ended = false;
  const response = {
    writeHead: () => response,
    write: (text: string) => commands.push(JSON.parse(text.replace(/^data: /, ''))),
    end: () => (ended = true),
    on: () => response,
  };
  return { response: response as unknown as ServerResponse, commands, ended: () => ended };
}

const second = (index: number, sent: number): SecondSample => ({
  second: index,
  startEpochMs: 1_000 * index,
  sent,
  completed: sent,
  failed: 0,
  dropped: 0,
  errors: {},
  latencyMs: { p50: 0, p99: 0, max: 0 },
  histogram: encodeHistogram(createHistogram()),
});

describe('ShardsLive', () => {
  test('a change reaches each shard as its share, and a shard that opens its stream late hears every change so far', () => {
    const live = new ShardsLive(3, () => {});
    const early = stream();
    live.follow(1, early.response);
    live.setRate(900);
    live.setConcurrency(10);
    const late = stream();
    live.follow(3, late.response);
    live.stop();
    assert.deepEqual(early.commands, [{ what: 'rate', value: 900 }, { what: 'concurrency', value: 4 }, { what: 'stop' }]);
    assert.deepEqual(late.commands, [{ what: 'rate', value: 900 }, { what: 'concurrency', value: 3 }, { what: 'stop' }]);
    assert.throws(() => live.setConcurrency(2), /one per shard/);
  });

  test('joins the seconds of every shard still running, in order, with their state summed', () => {
    const joined: JoinedSecond[] = [];
    const live = new ShardsLive(2, (each) => joined.push(each));
    live.offer({ shard: 2, sample: second(0, 50), inFlight: 3, cpuPercent: 40, targetRatePerSec: 50 });
    assert.equal(joined.length, 0);
    live.offer({ shard: 1, sample: second(0, 50), inFlight: 2, cpuPercent: 70, targetRatePerSec: 50 });
    live.offer({ shard: 1, sample: second(1, 49), inFlight: 1, cpuPercent: 60, targetRatePerSec: 50 });
    const steering = stream();
    live.follow(2, steering.response);
    live.retire(2);
    assert.ok(steering.ended());
    assert.deepEqual(
      joined.map(({ sample, inFlight, cpuPercent, targetRatePerSec }) => ({
        second: sample.second,
        sent: sample.sent,
        inFlight,
        cpuPercent,
        targetRatePerSec,
      })),
      [
        { second: 0, sent: 100, inFlight: 5, cpuPercent: 70, targetRatePerSec: 100 },
        // Shard 2 has finished: its share still counts in the rate asked, nothing of it in flight.
        { second: 1, sent: 49, inFlight: 1, cpuPercent: 60, targetRatePerSec: 100 },
      ],
    );
  });
});
