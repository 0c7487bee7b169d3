import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { searchCapacity } from '../../capacity/search.js';
import { measureStep } from '../../capacity/step.js';
import { renderCapacityHtml } from '../../capacity/html.js';
import { capacityLines } from '../../capacity/table.js';
import { isPlanFile, loadPlanFile, validatePlan, type Plan } from '../../plan/index.js';
import { assertWritable } from '../../result/io.js';
import { startRun } from '../../runner/index.js';
import { loadChartLibrary } from '../../report/html/vendor.js';
import { parseThreshold, ThresholdSyntaxError, type Threshold } from '../../plan/threshold.js';
import { CliError, EXIT } from '../exit-codes.js';
import { durationOption, parseCount, parseDuration, parseRate, parseWholeMs } from '../units.js';

interface CapacityFlags {
  slo: Threshold[];
  startRate: number;
  maxRate: number;
  budget: number;
  warmup: number;
  step: number;
  precision: number;
  connections?: number;
  out?: string;
  html?: string;
  quiet?: boolean;
}

function checkedSlo(text: string, previous: Threshold[]): Threshold[] {
  try {
    const slo = parseThreshold(text);
    if (slo.limit.unit === 'target') throw new InvalidArgumentError(`"${text}": a capacity search has no one target rate; give req/s`);
    return [...previous, slo];
  } catch (error) {
    if (error instanceof ThresholdSyntaxError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

function parsePrecision(text: string): number {
  const value = Number(text);
  if (!(value >= 0.005 && value <= 0.5)) throw new InvalidArgumentError(`"${text}" is not a share from 0.005 to 0.5 (0.03 is 3%)`);
  return value;
}

export function capacityCommand(): Command {
  return new Command('capacity')
    .description(
      'find the highest rate a target sustains within its SLOs: open-model steps, doubling until an SLO breaks, then narrowing, then a confirmation run',
    )
    .argument('<url-or-plan>', 'a target URL, or a plan file whose target (and connections, timeout) the steps use')
    .option('--slo <expression>', 'an SLO each step must meet (repeatable, at least one): "p99<50ms", "errors<0.1%"', checkedSlo, [] as Threshold[])
    .option('--start-rate <rate>', 'the first rate tried', parseRate, 50)
    .option('--max-rate <rate>', 'never try above this rate', parseRate, 100_000)
    .addOption(durationOption('--budget <duration>', 'start no step after this much time (the search ends with what it has)', parseWholeMs, 90_000))
    .addOption(durationOption('--warmup <duration>', "each step's warm-up, not judged (whole seconds)", parseDuration, 2000))
    .addOption(durationOption('--step <duration>', "each step's judged length after its warm-up", parseWholeMs, 3000))
    .option('--precision <share>', 'stop narrowing when the failing rate is within this share above the passing one', parsePrecision, 0.03)
    .option('-c, --connections <n>', "most connections open at once (default: the plan's, or 50)", (text) => parseCount(text))
    .option('-o, --out <file>', 'write the steps and the answer as JSON')
    .option('--html <file>', 'write an HTML report: latency and achieved rate by step')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (target: string, flags: CapacityFlags) => {
      process.exitCode = await capacity(target, flags);
    });
}

async function capacity(target: string, flags: CapacityFlags): Promise<number> {
  if (flags.slo.length === 0) throw new CliError('give at least one --slo, e.g. --slo "p99<50ms"');
  if (flags.startRate > flags.maxRate) throw new CliError(`--start-rate ${flags.startRate} is above --max-rate ${flags.maxRate}`);
  for (const file of [flags.out, flags.html]) if (file !== undefined) assertWritable(file);
  const base = basePlan(target, flags.connections);
  const stepMs = Math.ceil(flags.warmup / 1000) * 1000 + flags.step;
  const result = await searchCapacity(
    {
      startRatePerSec: flags.startRate,
      maxRatePerSec: flags.maxRate,
      precision: flags.precision,
      budgetMs: flags.budget,
      stepMs,
      slos: flags.slo.map((slo) => slo.expression),
    },
    async (ratePerSec, confirmation) => {
      const step = await measureStep(
        base,
        ratePerSec,
        { warmupMs: flags.warmup, measureMs: flags.step, slos: flags.slo },
        (plan, options) => startRun(plan, { ...options, probe: false }),
        confirmation,
      );
      if (!flags.quiet) process.stdout.write(`  ${confirmation ? 'confirm' : 'step'} ${ratePerSec} req/s: ${step.passed ? 'pass' : 'FAIL'} (${step.reason})\n`);
      return step;
    },
    () => performance.now(),
  );
  if (flags.out !== undefined)
    await writeFile(flags.out, `${JSON.stringify({ schema: 'salvo.capacity/v1', target: base.target.url, capacity: result }, null, 2)}\n`);
  if (flags.html !== undefined) await writeFile(flags.html, renderCapacityHtml(base.target.url, result, await loadChartLibrary()));
  if (!flags.quiet) {
    process.stdout.write(`${capacityLines(base.target.url, result).join('\n')}\n`);
    for (const file of [flags.out, flags.html]) if (file !== undefined) process.stdout.write(`  written: ${file}\n`);
  }
  return EXIT.ok;
}

/** The steps' plan: the URL's target, or a plan file's target, connections and timeouts; its executor is the search's. */
function basePlan(target: string, connections: number | undefined): Plan {
  const placeholder = { type: 'constant-arrival-rate', ratePerSec: 1, durationMs: 1000 } as const;
  if (isPlanFile(target)) {
    const plan = loadPlanFile(target);
    if (plan.scenarios || plan.userTypes || plan.scenario)
      throw new CliError(`${target}: a capacity search sends one request shape; a plan with scenarios or virtual users has several`);
    return validatePlan({ ...plan, executor: placeholder, thresholds: [], ...(connections !== undefined ? { connections } : {}) });
  }
  return validatePlan({ target: { url: target }, executor: placeholder, ...(connections !== undefined ? { connections } : {}) });
}
