import { Command } from 'commander';
import { CoordinatorError, RESULT_LINE_PREFIX, startCoordinator } from '../../cluster/coordinator.js';
import { paletteFor } from '../../report/color.js';
import { formatMs } from '../../units/format.js';
import { renderSummary } from '../../report/terminal-summary.js';
import { writeResult } from '../../result/io.js';
import type { RunResult } from '../../result/types.js';
import { ThresholdWatch } from '../../thresholds/watch.js';
import { CliError, EXIT } from '../exit-codes.js';
import { durationOption, parseCount, parsePort, parseWholeMs } from '../units.js';
import { addWriterOptions, requestedWriters } from '../writer-options.js';
import { addDashboardFlags, dashboardAddressOf, openDashboard } from '../dashboard-flags.js';
import type { RunFlags } from '../run-flags.js';
import { ProgressFrames } from '../../report/progress-frames.js';
import type { JoinedSecond } from '../../cluster/shards-live.js';
import type { Plan } from '../../plan/schema.js';

interface CoordinateFlags extends Pick<RunFlags, 'dashboard' | 'dashboardToken'> {
  shards: number;
  host: string;
  port: number;
  timeout: number;
  out?: string;
  quiet?: boolean;
  printResult?: boolean;
}

export function coordinateCommand(): Command {
  const command = new Command('coordinate')
    .description('start shards together and merge their results: each runs salvo run … --shard i/N --coordinator host:port')
    .requiredOption('--shards <n>', 'how many shards to wait for', (text) => parseCount(text))
    .option('--host <host>', 'address to listen on (0.0.0.0 for shards on other machines)', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', parsePort, 7070)
    .addOption(durationOption('--timeout <duration>', 'how long to wait for every shard to be ready', parseWholeMs, 60_000))
    .option('-q, --quiet', 'print nothing but errors')
    .option(
      '--print-result',
      `print the merged result as one JSON line after "${RESULT_LINE_PREFIX.trim()}" (how salvo k8s run collects it from the pod's log)`,
    );
  return addDashboardFlags(addWriterOptions(command)).action(async (flags: CoordinateFlags) => {
    process.exitCode = await coordinate(flags);
  });
}

async function coordinate(flags: CoordinateFlags): Promise<number> {
  const writers = requestedWriters(flags as unknown as Record<string, unknown>);
  const say = (line: string): void => {
    if (!flags.quiet) process.stdout.write(`${line}\n`);
  };
  const dashboardAddress = dashboardAddressOf(flags);
  // The dashboard shows the shards as one run: it opens once they are ready and have said which plan they run.
  let live: Awaited<ReturnType<typeof openDashboard>> | undefined;
  let frames: ProgressFrames | undefined;
  let busiestCpuPercent = 0;
  const watch = {
    beforeStart: async (plan: Plan): Promise<void> => {
      live = await openDashboard(dashboardAddress!, flags.dashboardToken, plan);
      live.steering.attach(coordinator.shards!);
      frames = new ProgressFrames(plan, () => busiestCpuPercent);
      say(`dashboard: ${live.dashboard.url}`);
    },
    onSecond: ({ sample, inFlight, cpuPercent, targetRatePerSec }: JoinedSecond): void => {
      busiestCpuPercent = cpuPercent;
      live?.dashboard.publish(frames!.next(sample, { inFlight, targetRatePerSec }));
    },
  };
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>;
  try {
    coordinator = await startCoordinator({
      shards: flags.shards,
      host: flags.host,
      port: flags.port,
      readyTimeoutMs: flags.timeout,
      onShard: (event, shard) =>
        say(event === 'ready' ? `  shard ${shard.index}/${shard.count} ready` : `  shard ${shard.index}/${shard.count} sent its result`),
      ...(dashboardAddress ? { live: watch } : {}),
    });
  } catch (error) {
    throw new CliError(`cannot listen on ${flags.host}:${flags.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  // Tests and scripts read the port from this line when --port is 0.
  process.stdout.write(`salvo coordinator listening on ${coordinator.url}, waiting for ${flags.shards} shards\n`);
  void coordinator.started.then((atMs) => say(`all ${flags.shards} shards ready: they start at ${new Date(atMs).toISOString()}`));
  const signals: Record<string, number> = { SIGINT: EXIT.interruptedBySigint, SIGTERM: EXIT.interruptedBySigterm };
  let signalled: string | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled = signal;
    coordinator.abort(`interrupted by ${signal}`);
  };
  for (const signal of Object.keys(signals)) process.once(signal, onSignal);
  let merged: RunResult;
  try {
    merged = await coordinator.merged;
  } catch (error) {
    await live?.dashboard.close();
    if (!(error instanceof CoordinatorError)) throw error;
    await keepResults(error.results, flags.out);
    throw new CliError(error.message, signalled !== undefined ? signals[signalled] : error.afterStart ? EXIT.internal : EXIT.usage);
  } finally {
    for (const signal of Object.keys(signals)) process.removeListener(signal, onSignal);
    await coordinator.close();
  }
  // The shards' plan carries its thresholds: judged here on the whole load, as one run judges its own.
  const judged = new ThresholdWatch(merged.plan).results(merged.summary, merged.interrupted ? merged.interruptReason : undefined);
  const steered = live ? live.steering.withEvents(merged) : merged;
  const result = judged ? { ...steered, thresholds: judged } : steered;
  for (const writer of writers) await writer.write(result);
  if (live) {
    live.dashboard.finish(result, writers.find((writer) => writer.key === 'html')?.path);
    await live.dashboard.close();
  }
  if (!flags.quiet) {
    process.stdout.write(`${renderSummary(result, paletteFor(process.stdout)).join('\n')}\n`);
    const { shards } = result;
    if (shards)
      say(
        `  start skew  spread ${formatMs(shards.startSpreadMs)}${shards.maxSkewMs !== undefined ? `, latest ${formatMs(shards.maxSkewMs)} after the start instant` : ''}`,
      );
    for (const writer of writers) say(`  written: ${writer.path}`);
  }
  if (flags.printResult) process.stdout.write(`${RESULT_LINE_PREFIX}${JSON.stringify(result)}\n`);
  if (result.partial) return EXIT.internal;
  return result.thresholds?.some((threshold) => !threshold.passed) ? EXIT.thresholds : EXIT.ok;
}

/** The results that came, each beside --out, so that a shard that never reported costs only its own share. */
async function keepResults(results: readonly RunResult[], out: string | undefined): Promise<void> {
  if (out === undefined) return;
  for (const result of results) {
    const path = `${out.replace(/\.json$/i, '')}.shard-${result.plan.shard!.index}-of-${result.plan.shard!.count}.json`;
    await writeResult(path, result);
    process.stdout.write(`  kept: ${path}\n`);
  }
}
