// Issue 7's acceptance test: a fleet of 1,000 servos (`salvo run --scenario servo-fleet`, its own
// process) against the emulator in this one, with no sequence error and every application advancing
// evenly, as the emulator's own GET / and /metrics tell. The run lasts a few seconds on an idle
// machine and longer on a busy one, sized by the cycles it measured.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/result/types.js';
import { startServoFleet, type RunningServoFleet } from '../../src/targets/servo-fleet/server.js';
import { assertUsageError, salvo, salvoAsync } from '../support/cli.js';

const APPS = 1000;

/** The first run's length, enough on an idle machine; a busy one starts the fleet slowly, and gets longer runs. */
const FIRST_DURATION_MS = 4000;
const DURATION_GROWTH = 4;
/** Bound of the load: 4 s, 16 s, 64 s at most. */
const MAX_RUNS = 3;
/** How often the fleet is looked at for the moment every servo has said HELLO. */
const LOOK_MS = 10;

interface FleetRun {
  stdout: string;
  statistics: { n: number; average: number; min: number; max: number };
  /** Fewest and most cycles any application completed after the last servo said HELLO. */
  sinceAllGreeted: { min: number; max: number };
  metrics: string;
  result: RunResult;
}

/**
 * One run of the fleet for `durationMs` against a fresh emulator, and what the emulator and the
 * result say after it. The cycle counts are also taken once every servo has greeted: a busy machine
 * starts 1,000 servos over seconds, and those started first are cycles ahead before the last says HELLO.
 */
async function runFleet(directory: string, durationMs: number): Promise<FleetRun> {
  const target: RunningServoFleet = await startServoFleet({ apps: APPS, log: () => {} });
  let cyclesAtAllGreeted: Uint32Array | undefined;
  // The emulator answers on this thread, so a look here sees no event half applied.
  const look = setInterval(() => {
    if (target.fleet.statistics().n === APPS) {
      cyclesAtAllGreeted = target.fleet.cycles.slice(0, APPS);
      clearInterval(look);
    }
  }, LOOK_MS);
  try {
    const out = join(directory, `fleet-${durationMs}.json`);
    // 200 ms per report: a cycle is four reports (two per command). The request timeout is not under
    // test: a busy machine answers the startup burst of 1,000 servos slowly, and a servo whose HELLO
    // timed out greets again, which the emulator rightly counts as a sequence error.
    const { status, stdout, stderr } = await salvoAsync(
      'run',
      target.url,
      '--scenario',
      'servo-fleet',
      '--apps',
      String(APPS),
      '--token',
      't',
      '--duration',
      `${durationMs}ms`,
      '--progress-reports',
      '1',
      '--progress-interval',
      '200ms',
      '--timeout',
      '120s',
      '--out',
      out,
    );
    assert.equal(status, 0, stderr);
    assert.ok(cyclesAtAllGreeted, 'every servo said HELLO during the run');
    const advanced = target.fleet.cycles.slice(0, APPS).map((cycles, app) => cycles - cyclesAtAllGreeted![app]!);
    const statistics = (await (await fetch(`${target.url}/`)).json()) as FleetRun['statistics'];
    const metrics = await (await fetch(`${target.url}/metrics`)).text();
    const sinceAllGreeted = { min: Math.min(...advanced), max: Math.max(...advanced) };
    return { stdout, statistics, sinceAllGreeted, metrics, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult };
  } finally {
    clearInterval(look);
    await target.close();
  }
}

/** Holds on every run, however short: the protocol is followed, every servo came and left, and once all were there they advanced evenly. */
function assertProtocolKept({ statistics, sinceAllGreeted, metrics, result }: FleetRun): void {
  assert.equal(statistics.n, APPS, 'every application was greeted');
  assert.ok(sinceAllGreeted.max - sinceAllGreeted.min <= 2, `even cycle counts once all were greeted: ${JSON.stringify(sinceAllGreeted)}`);
  assert.doesNotMatch(metrics, /^salvo_servo_sequence_errors_total\{/m, 'no sequence error');
  assert.match(metrics, /^salvo_servo_requests_total\{event="GOODBYE",status="200"\} 1000$/m, 'every servo left with GOODBYE');
  assert.deepEqual(result.targetStatistics, statistics, "the result holds the emulator's statistics, read after the last GOODBYE");
  assert.deepEqual(result.breakdown!.counters, [], 'no protocol violation counted');
}

describe('a fleet of 1,000 servos against the emulator', () => {
  let directory: string;
  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'salvo-fleet-'));
  });
  after(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  test('runs every application through whole cycles, evenly, without one protocol violation', async (t) => {
    // A busy machine gets through fewer cycles in the same time: the run is lengthened until every
    // application has completed a cycle, within MAX_RUNS.
    let durationMs = FIRST_DURATION_MS;
    let run = await runFleet(directory, durationMs);
    assertProtocolKept(run);
    for (let runs = 1; run.statistics.min < 1 && runs < MAX_RUNS; runs++) {
      t.diagnostic(`${durationMs} ms: ${JSON.stringify(run.statistics)}, since all greeted ${JSON.stringify(run.sinceAllGreeted)}`);
      durationMs *= DURATION_GROWTH;
      run = await runFleet(directory, durationMs);
      assertProtocolKept(run);
    }
    t.diagnostic(`${durationMs} ms: ${JSON.stringify(run.statistics)}, since all greeted ${JSON.stringify(run.sinceAllGreeted)}`);
    const { statistics, stdout, result } = run;
    assert.ok(statistics.min >= 1, `every application advanced in a ${durationMs} ms run: ${JSON.stringify(statistics)}`);
    const requests = Object.fromEntries(result.breakdown!.tasks.map(({ name, requests, failures }) => [name, { requests, failures }]));
    assert.deepEqual(requests['application-overrides'], { requests: 1, failures: 0 }, 'the fleet lists its applications once');
    for (const event of ['HELLO', 'DESCRIPTION', 'GOODBYE']) assert.deepEqual(requests[event], { requests: APPS, failures: 0 }, event);
    for (const event of ['WHATS_NEXT', 'MEASUREMENT', 'ADJUSTMENT']) assert.equal(requests[event]!.failures, 0, event);
    assert.deepEqual(result.plan.scenarioOptions, { apps: APPS, account: 'acme', token: 't', progressReports: 1, progressIntervalMs: 200 });
    assert.match(stdout, /target's own statistics \(since it started\) +n 1,000 +average [\d.]+ +min \d+ +max \d+/);
  });
});

describe('salvo run --scenario: bad input', () => {
  const url = 'http://127.0.0.1:9/';
  for (const [args, pattern] of [
    [['--scenario', 'nope'], /--scenario nope: not a built-in scenario \(servo-fleet\) nor a \.ts or \.js scenario file/],
    [['--scenario', 'builtin:nope'], /no built-in scenario "nope"/],
    [['--scenario', 'servo-fleet', '--apps', '10', '--vus', '11'], /runs at most 10 users .* the executor wants 11/],
    [['--scenario', 'servo-fleet', '--apps', '0'], /--apps .*"0" must be at least 1/],
    [['--scenario', 'servo-fleet'], /scenarioOptions\.apps: needs the number of applications \(--apps N\)/],
    [['--apps', '5'], /--apps applies to --scenario servo-fleet/],
    [['--scenario', 'servo-fleet', '--apps', '5', '--rate', '10'], /--rate does not apply to --scenario/],
    [['--scenario', 'servo-fleet', '--apps', '5', '--progress-reports', '0'], /--progress-reports .*must be at least 1/],
    [['--scenario', 'servo-fleet', '--apps', '5', '--account', 'a/b'], /scenarioOptions\.account: must be letters/],
    [['--scenario', 'missing.ts'], /no scenario file missing\.ts/],
  ] as const) {
    test(args.join(' '), () => assertUsageError(['run', url, ...args], pattern));
  }

  test("a plan file running builtin:servo-fleet takes the scenario's flags over its scenarioOptions", () => {
    const directory = mkdtempSync(join(tmpdir(), 'salvo-fleet-plan-'));
    try {
      const plan = join(directory, 'fleet.json');
      writeFileSync(
        plan,
        JSON.stringify({
          target: { url },
          executor: { type: 'constant-vus', vus: 3, durationMs: 1000 },
          scenario: 'builtin:servo-fleet',
          scenarioOptions: { apps: 3 },
        }),
      );
      const { status, stderr } = salvo('run', plan, '--apps', '2');
      assert.equal(status, 2, stderr);
      // A plan file's problems are listed one per line under its name.
      assert.equal(
        stderr,
        `salvo: error: invalid plan ${plan}: executor: builtin:servo-fleet runs at most 2 users with these scenarioOptions, and the executor wants 3\n`,
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
