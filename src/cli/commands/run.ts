import { Command, Option } from 'commander';
import { validatePlan, type PlanInput } from '../../plan/index.js';
import { renderSummary } from '../../report/terminal-summary.js';
import type { RunResult } from '../../result/types.js';
import { probeTarget, resolveTarget, startRun } from '../../runner/index.js';
import { freshSeed } from '../../schedule/random.js';
import { CliError, EXIT } from '../exit-codes.js';
import { parseCount, parseDuration, parseHeader, parseRate, parseWholeMs } from '../units.js';
import { addWriterOptions, requestedWriters } from '../writer-options.js';

export interface RunFlags {
  rate?: number;
  duration: number;
  arrival: 'constant' | 'poisson' | 'bucket';
  bucket?: number;
  seed?: number;
  connections: number;
  pipelining?: number;
  timeout: number;
  grace: number;
  maxQueue: number;
  method: string;
  header: [string, string][];
  body?: string;
  bodyFile?: string;
  probe: boolean;
  quiet?: boolean;
}

const collect = <T>(value: T, previous: T[]): T[] => [...previous, value];

export function runCommand(): Command {
  const command = new Command('run')
    .description('send load to a URL: at a fixed arrival rate (--rate), or as fast as the target answers')
    .argument('<url>', 'target URL, e.g. http://127.0.0.1:8080/')
    .option('-r, --rate <rate>', 'requests per second (500, 2k, 1.5k); without it, max throughput', parseRate)
    .option('-d, --duration <duration>', 'how long to send (500ms, 30s, 2m)', parseWholeMs, 10_000)
    .addOption(new Option('-a, --arrival <schedule>', 'arrival schedule with --rate').choices(['constant', 'poisson', 'bucket']).default('constant'))
    .option('--bucket <duration>', 'batch interval for --arrival bucket', parseDuration)
    .option('--seed <n>', 'seed for --arrival poisson, to repeat a schedule', (text) => parseCount(text, 0))
    .option('-c, --connections <n>', 'most connections open at once', (text) => parseCount(text), 50)
    .option('-p, --pipelining <n>', 'requests in flight per connection (max throughput only)', (text) => parseCount(text))
    .option('-t, --timeout <duration>', 'per-request timeout', parseWholeMs, 10_000)
    .option('--grace <duration>', 'after --duration, how long requests may still finish', parseWholeMs, 10_000)
    .option('--max-queue <n>', 'requests that may wait for a free connection before being dropped', (text) => parseCount(text, 0), 100_000)
    .option('-m, --method <method>', 'HTTP method', 'GET')
    .option('-H, --header <header>', 'request header "Name: value" (repeatable)', (text, previous: [string, string][]) => collect(parseHeader(text), previous), [])
    .option('--body <text>', 'request body')
    .option('--body-file <path>', 'request body read from a file')
    .option('--no-probe', 'skip the connection check before the run')
    .option('-q, --quiet', 'print nothing but errors');
  return addWriterOptions(command).action(async (url: string, flags: RunFlags) => {
    process.exitCode = await runFromFlags(url, flags);
  });
}

export function planFromFlags(url: string, flags: RunFlags): PlanInput {
  if (flags.rate === undefined) {
    if (flags.arrival !== 'constant') throw new CliError(`--arrival ${flags.arrival} needs --rate`);
  } else if (flags.pipelining !== undefined) {
    throw new CliError('--pipelining applies only to max throughput (without --rate)');
  }
  if (flags.seed !== undefined && flags.arrival !== 'poisson') throw new CliError('--seed applies only to --arrival poisson');
  if (flags.bucket !== undefined && flags.arrival !== 'bucket') throw new CliError('--bucket applies only to --arrival bucket');
  const durationMs = flags.duration;
  const executor: PlanInput['executor'] =
    flags.rate === undefined
      ? { type: 'max-throughput', durationMs, pipelining: flags.pipelining ?? 1 }
      : flags.arrival === 'poisson'
        ? { type: 'poisson-arrival-rate', ratePerSec: flags.rate, durationMs, seed: flags.seed ?? freshSeed() }
        : flags.arrival === 'bucket'
          ? { type: 'bucket-rate', ratePerSec: flags.rate, durationMs, bucketMs: flags.bucket ?? 100 }
          : { type: 'constant-arrival-rate', ratePerSec: flags.rate, durationMs };
  return {
    target: {
      url,
      method: flags.method.toUpperCase(),
      headers: flags.header,
      ...(flags.body !== undefined ? { body: flags.body } : {}),
      ...(flags.bodyFile !== undefined ? { bodyFile: flags.bodyFile } : {}),
    },
    executor,
    connections: flags.connections,
    timeoutMs: flags.timeout,
    gracefulStopMs: flags.grace,
    maxQueue: flags.maxQueue,
  };
}

async function runFromFlags(url: string, flags: RunFlags): Promise<number> {
  const plan = validatePlan(planFromFlags(url, flags));
  const writers = requestedWriters(flags as unknown as Record<string, unknown>);
  if (flags.probe) {
    const { address, port } = await resolveTarget(plan.target);
    await probeTarget(address, port);
  }
  const handle = await startRun(plan);
  const signals: Record<string, number> = { SIGINT: EXIT.interruptedBySigint, SIGTERM: EXIT.interruptedBySigterm };
  const onSignal = (signal: NodeJS.Signals): void => handle.stop(signal);
  for (const signal of Object.keys(signals)) process.once(signal, onSignal);
  let result: RunResult;
  try {
    result = await handle.result;
  } finally {
    for (const signal of Object.keys(signals)) process.removeListener(signal, onSignal);
  }
  for (const writer of writers) await writer.write(result);
  if (!flags.quiet) {
    process.stdout.write(`${renderSummary(result).join('\n')}\n`);
    for (const writer of writers) process.stdout.write(`  written: ${writer.path}\n`);
  }
  return result.interrupted ? (signals[result.interruptReason ?? ''] ?? EXIT.internal) : EXIT.ok;
}
