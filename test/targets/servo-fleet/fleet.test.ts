// In-process tests of the state machine (no socket): the table, rejections, progress, resync.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Fleet, NO_PROGRESS, Rejection } from '../../../src/targets/servo-fleet/fleet.js';
import { Command, Event, EVENT_NAMES, STATE_NAMES, State, eventCode } from '../../../src/targets/servo-fleet/protocol.js';
import { TRANSITIONS } from '../../../src/targets/servo-fleet/transitions.js';
import { parseAppName, appName } from '../../../src/targets/servo-fleet/app-name.js';
import { REACH, label, type Step } from './helpers.js';

const code = (step: Step): [number, number] => [eventCode(step.event), step.progress ?? NO_PROGRESS];

function fleetAt(stateName: string, resync = false): Fleet {
  const fleet = new Fleet(1, { resync });
  for (const step of REACH[stateName]!) assert.ok(fleet.apply(0, ...(code(step) as [any, number])) >= 0, `reaching ${stateName}: ${label(step)}`);
  return fleet;
}

describe('servo-fleet state machine (in-process)', () => {
  test("the table has exactly the issue's lines", () => {
    const lines = TRANSITIONS.map((t) => `${STATE_NAMES[t.from]} ${EVENT_NAMES[t.event]}${t.progress ? '+p' : ''} → ${STATE_NAMES[t.to]}`);
    assert.deepEqual(lines, [
      'initial HELLO → hello-received',
      'hello-received DESCRIPTION → start-measure',
      'start-measure MEASUREMENT+p → in-measure',
      'in-measure MEASUREMENT+p → in-measure',
      'in-measure MEASUREMENT → start-adjust',
      'start-adjust ADJUSTMENT+p → in-adjust',
      'in-adjust ADJUSTMENT+p → in-adjust',
      'in-adjust ADJUSTMENT → start-measure',
      'hello-received GOODBYE → terminated',
      'start-measure GOODBYE → terminated',
      'in-measure GOODBYE → terminated',
      'start-adjust GOODBYE → terminated',
      'in-adjust GOODBYE → terminated',
      'terminated HELLO → hello-received',
    ]);
  });

  for (const t of TRANSITIONS) {
    const from = STATE_NAMES[t.from];
    test(`${from} + ${EVENT_NAMES[t.event]}${t.progress ? ' (progress)' : ''} → ${STATE_NAMES[t.to]}`, () => {
      const fleet = fleetAt(from);
      const cyclesBefore = fleet.cycles[0]!;
      assert.equal(fleet.apply(0, t.event, t.progress ? 20 : NO_PROGRESS), Command.none);
      assert.equal(fleet.state[0], t.to);
      assert.equal(fleet.pending[0], t.next);
      assert.equal(fleet.cycles[0], cyclesBefore + (t.cycle ? 1 : 0));
      assert.equal(fleet.progress[0], t.progress ? 20 : NO_PROGRESS);
    });
  }

  test('every event not in the table is rejected and changes nothing', () => {
    let rejected = 0;
    for (const stateName of STATE_NAMES) {
      for (const event of [Event.HELLO, Event.DESCRIPTION, Event.MEASUREMENT, Event.ADJUSTMENT, Event.GOODBYE]) {
        for (const hasProgress of [false, true]) {
          const inTable = TRANSITIONS.some((t) => STATE_NAMES[t.from] === stateName && t.event === event && t.progress === hasProgress);
          const progressMeaningful = event === Event.MEASUREMENT || event === Event.ADJUSTMENT;
          if (inTable || (hasProgress && !progressMeaningful)) continue;
          const fleet = fleetAt(stateName);
          const before = fleet.snapshotOf(0);
          const outcome = fleet.apply(0, event, hasProgress ? 30 : NO_PROGRESS);
          assert.equal(outcome, stateName === 'initial' ? Rejection.notGreeted : Rejection.notInTable, `${stateName} ${EVENT_NAMES[event]}`);
          assert.deepEqual(fleet.snapshotOf(0), before);
          const reason = fleet.reason(0, event, hasProgress ? 30 : NO_PROGRESS, outcome);
          assert.match(reason, new RegExp(`app00000.*${EVENT_NAMES[event]}.*${stateName}`));
          rejected++;
        }
      }
    }
    assert.equal(rejected, 7 * 7 - 14);
  });

  test('WHATS_NEXT hands out the pending command once, and only then', () => {
    const expected: Record<string, number> = {
      initial: Rejection.notGreeted,
      'hello-received': Command.DESCRIBE,
      'start-measure': Command.MEASURE,
      'in-measure': Rejection.nothingPending,
      'start-adjust': Command.ADJUST,
      'in-adjust': Rejection.nothingPending,
      terminated: Rejection.nothingPending,
    };
    for (const [stateName, outcome] of Object.entries(expected)) {
      const fleet = fleetAt(stateName);
      const before = fleet.snapshotOf(0);
      assert.equal(fleet.apply(0, Event.WHATS_NEXT, NO_PROGRESS), outcome, stateName);
      if (outcome < 0) {
        assert.deepEqual(fleet.snapshotOf(0), before);
        continue;
      }
      assert.equal(fleet.state[0], State[Object.keys(State).find((k) => STATE_NAMES[State[k as keyof typeof State]] === stateName) as keyof typeof State]);
      assert.equal(fleet.apply(0, Event.WHATS_NEXT, NO_PROGRESS), Rejection.nothingPending, `${stateName}: second WHATS_NEXT`);
    }
  });

  test('progress may stay or grow within a command, never go back; a new command starts over', () => {
    const fleet = fleetAt('in-measure'); // progress 10
    assert.equal(fleet.apply(0, Event.MEASUREMENT, 10), Command.none);
    assert.equal(fleet.apply(0, Event.MEASUREMENT, 55), Command.none);
    const before = fleet.snapshotOf(0);
    assert.equal(fleet.apply(0, Event.MEASUREMENT, 54), Rejection.progressBackwards);
    assert.deepEqual(fleet.snapshotOf(0), before);
    assert.match(
      fleet.reason(0, Event.MEASUREMENT, 54, Rejection.progressBackwards),
      /app00000: MEASUREMENT \(progress 54\) in state in-measure: progress went backwards from 55/,
    );
    assert.equal(fleet.apply(0, Event.MEASUREMENT, NO_PROGRESS), Command.none);
    assert.equal(fleet.apply(0, Event.ADJUSTMENT, 0), Command.none, 'ADJUST starts from 0 again');
    assert.equal(fleet.apply(0, Event.ADJUSTMENT, 100), Command.none);
    assert.equal(fleet.apply(0, Event.ADJUSTMENT, 99), Rejection.progressBackwards);
    assert.equal(fleet.apply(0, Event.ADJUSTMENT, NO_PROGRESS), Command.none);
    assert.equal(fleet.apply(0, Event.WHATS_NEXT, NO_PROGRESS), Command.MEASURE);
    assert.equal(fleet.apply(0, Event.MEASUREMENT, 1), Command.none, 'MEASURE starts from 0 again');
  });

  test('cycles count final measurements; statistics cover apps seen', () => {
    const fleet = new Fleet(4);
    assert.deepEqual(fleet.statistics(), { n: 0, average: null, min: null, max: null });
    const cycle = (app: number): void => {
      for (const [e, p] of [
        [Event.MEASUREMENT, 10],
        [Event.MEASUREMENT, NO_PROGRESS],
        [Event.ADJUSTMENT, 10],
        [Event.ADJUSTMENT, NO_PROGRESS],
      ] as const) {
        assert.ok(fleet.apply(app, e, p) >= 0);
      }
    };
    for (const app of [0, 1]) {
      fleet.apply(app, Event.HELLO, NO_PROGRESS);
      fleet.apply(app, Event.DESCRIPTION, NO_PROGRESS);
    }
    cycle(0);
    cycle(0);
    cycle(0);
    cycle(1);
    assert.deepEqual(fleet.statistics(), { n: 2, average: 2, min: 1, max: 3 });
  });

  describe('resync', () => {
    const cases: [Step, string, string][] = [
      [{ event: 'WHATS_NEXT' }, 'hello-received', 'hello-received'],
      [{ event: 'DESCRIPTION' }, 'hello-received', 'start-measure'],
      [{ event: 'MEASUREMENT', progress: 40 }, 'start-measure', 'in-measure'],
      [{ event: 'MEASUREMENT' }, 'in-measure', 'start-adjust'],
      [{ event: 'ADJUSTMENT', progress: 40 }, 'start-adjust', 'in-adjust'],
      [{ event: 'ADJUSTMENT' }, 'in-adjust', 'start-measure'],
      [{ event: 'GOODBYE' }, 'hello-received', 'terminated'],
    ];
    for (const [step, adopted, after] of cases) {
      test(`${label(step)} from an app never greeted adopts ${adopted}, then → ${after}`, () => {
        const adoptions: string[] = [];
        const fleet = new Fleet(1, { resync: true }, (app, event, state) => adoptions.push(`${appName(app)} ${EVENT_NAMES[event]} ${state}`));
        const outcome = fleet.apply(0, eventCode(step.event) as any, step.progress ?? NO_PROGRESS);
        assert.equal(outcome, step.event === 'WHATS_NEXT' ? Command.DESCRIBE : Command.none);
        assert.equal(STATE_NAMES[fleet.state[0]!], after);
        assert.deepEqual(adoptions, [`app00000 ${step.event} ${adopted}`]);
        assert.equal(fleet.statistics().n, 1);
      });
    }
    test('adopts only once, and HELLO needs no adoption', () => {
      const adoptions: number[] = [];
      const fleet = new Fleet(2, { resync: true }, (app) => adoptions.push(app));
      assert.equal(fleet.apply(0, Event.MEASUREMENT, 10), Command.none);
      assert.equal(fleet.apply(0, Event.MEASUREMENT, 5), Rejection.progressBackwards);
      assert.equal(fleet.apply(1, Event.HELLO, NO_PROGRESS), Command.none);
      assert.deepEqual(adoptions, [0]);
    });
    test('without --resync an app never greeted is rejected', () => {
      const fleet = new Fleet(1, { resync: false });
      assert.equal(fleet.apply(0, Event.MEASUREMENT, 10), Rejection.notGreeted);
      assert.equal(fleet.state[0], State.initial);
      assert.deepEqual(fleet.statistics(), { n: 0, average: null, min: null, max: null });
    });
  });

  test('app names parse without regex, within the fleet only', () => {
    const cases: [string, number, number][] = [
      ['app00000', 5000, 0],
      ['app04999', 5000, 4999],
      ['app05000', 5000, -1],
      ['app0001', 5000, -1],
      ['app000001', 5000, -1],
      ['apx00001', 5000, -1],
      ['app0000a', 5000, -1],
      ['app99999', 100000, 99999],
    ];
    for (const [name, size, expected] of cases) assert.equal(parseAppName(`/x/${name}/`, 3, 3 + name.length, size), expected, name);
    assert.equal(appName(42), 'app00042');
  });
});
