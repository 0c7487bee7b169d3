import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { SalvoError } from '../errors.js';
import { parseListenAddress, type ListenAddress } from '../plan/listen-address.js';
import { shardLabel, targetRateOf } from '../plan/shard.js';
import type { Plan } from '../plan/schema.js';
import type { RunOptions } from '../plan/run-options.js';
import { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, startMetricsEndpoint, type MetricsEndpoint } from '../report/prometheus/endpoint.js';
import type { MetricsSource, RunLabels } from '../report/prometheus/run-metrics.js';
import { PUSH_INTERVAL_MS, startMetricsPush, type MetricsPusher } from '../report/prometheus/push.js';
import type { RunHandle } from '../runner/index.js';
import { CliError } from './exit-codes.js';
import { flagParser } from './flag-parser.js';
import type { RunFlags } from './run-flags.js';
import { formatMs } from '../units/format.js';
import { parseWholeMs } from './units.js';

/** How long, by default, the endpoint stays up after the run for a last scrape: Prometheus's usual scrape interval. */
const DEFAULT_LINGER_MS = 15_000;

export function addMetricsFlags(command: Command): Command {
  return command
    .option(
      '--metrics [host:port]',
      `serve live metrics for Prometheus at http://host:port/metrics while the run lasts (default ${DEFAULT_METRICS_HOST}:${DEFAULT_METRICS_PORT})`,
      flagParser(parseListenAddress),
    )
    .option(
      '--metrics-linger <duration>',
      `with --metrics: after the run, wait at most this long for a last scrape, which reads the final counts (default ${DEFAULT_LINGER_MS / 1000}s)`,
      parseWholeMs,
    )
    .option(
      '--metrics-push <url>',
      `push the run's metrics to a Prometheus Pushgateway at this address every ${PUSH_INTERVAL_MS / 1000}s while it lasts and once at its end (job "salvo", grouped by run_id)`,
      flagParser(parsePushgatewayUrl),
    );
}

/** A Pushgateway's address, http(s)://host:port with or without a path under which it serves. */
function parsePushgatewayUrl(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '')
    throw new CliError(`"${text}" is not a Pushgateway's address: give http://host:port`);
  return url.href;
}

/** A plan file's `run.metrics` and `run.metricsLingerMs`, as the flags they stand for. */
export function metricsFlagsOfRunOptions(options: RunOptions): Pick<RunFlags, 'metrics' | 'metricsLinger'> {
  const flags: Pick<RunFlags, 'metrics' | 'metricsLinger'> = {};
  if (typeof options.metrics === 'string') {
    try {
      flags.metrics = parseListenAddress(options.metrics);
    } catch (error) {
      if (error instanceof SalvoError) throw new CliError(`run.metrics: ${error.message}`);
      throw error;
    }
  } else if (options.metrics === true) flags.metrics = true;
  if (options.metricsLingerMs !== undefined) flags.metricsLinger = options.metricsLingerMs;
  return flags;
}

/** The run's live metrics, when asked for: served (--metrics), pushed (--metrics-push) or both. */
export interface LiveMetrics {
  endpoint: MetricsEndpoint | undefined;
  pusher: MetricsPusher | undefined;
  /** The id the series are labelled with, which the result carries too. */
  runId: string;
  lingerMs: number;
  /** Reads from the run once it is under way. */
  attach(handle: RunHandle): void;
}

/** Starts --metrics' endpoint before the run, so that a port in use stops it before any load is sent, and --metrics-push's pushes. */
export async function liveMetricsFromFlags(flags: RunFlags, plan: Plan): Promise<LiveMetrics | undefined> {
  if (flags.metrics === undefined && flags.metricsLinger !== undefined) throw new CliError('--metrics-linger applies only with --metrics');
  if (flags.metrics === undefined && flags.metricsPush === undefined) return undefined;
  const runId = randomUUID();
  let handle: RunHandle | undefined;
  let finished = false;
  const targetRate = targetRateOf(plan);
  const source = {
    measuredSoFar: () => handle?.measuredSoFar() ?? [],
    inFlight: () => (finished ? 0 : (handle?.inFlight() ?? 0)),
    targetRatePerSec: () => (handle ? handle.targetRatePerSec() : targetRate),
    finished: () => finished,
  };
  const labels = { run_id: runId, ...(plan.shard ? { shard: shardLabel(plan.shard) } : {}) };
  const endpoint = flags.metrics === undefined ? undefined : await servedMetrics(flags.metrics, source, labels);
  if (endpoint && !flags.quiet) process.stdout.write(`metrics for Prometheus at ${endpoint.url} (run_id ${runId})\n`);
  const pusher = flags.metricsPush === undefined ? undefined : startMetricsPush(flags.metricsPush, source, labels);
  if (pusher && !flags.quiet) process.stdout.write(`metrics pushed to ${pusher.url} every ${PUSH_INTERVAL_MS / 1000}s and at the end\n`);
  return {
    endpoint,
    pusher,
    runId,
    lingerMs: flags.metricsLinger ?? DEFAULT_LINGER_MS,
    attach: (running) => {
      handle = running;
      void running.result.then(() => (finished = true));
    },
  };
}

async function servedMetrics(address: true | ListenAddress, source: MetricsSource, labels: RunLabels): Promise<MetricsEndpoint> {
  const { host, port } = address === true ? { host: DEFAULT_METRICS_HOST, port: DEFAULT_METRICS_PORT } : address;
  try {
    return await startMetricsEndpoint(host, port, source, labels);
  } catch (error) {
    if (error instanceof SalvoError) throw new CliError(`--metrics ${host}:${port}: ${error.message}`);
    throw error;
  }
}

/**
 * Pushes the final counts, and keeps the endpoint up until a scraper has read them (or --metrics-linger
 * has passed), then closes it. A final push the gateway did not take is said, not fatal: the result file has every count.
 */
export async function finishLiveMetrics({ endpoint, pusher, lingerMs }: LiveMetrics, quiet: boolean): Promise<void> {
  if (pusher) {
    const refusal = await pusher.finish().then(
      () => undefined,
      (error: Error) => error.message,
    );
    if (refusal !== undefined) process.stderr.write(`salvo: warning: the final counts did not reach ${pusher.url} (${refusal}); the result file has them\n`);
    else if (!quiet) process.stdout.write(`  pushed the final counts to ${pusher.url}\n`);
  }
  if (!endpoint) return;
  if (!quiet) process.stdout.write(`  waiting up to ${formatMs(lingerMs)} for a last scrape of ${endpoint.url}\n`);
  const scraped = await endpoint.finalScrape(lingerMs);
  if (!quiet && !scraped) process.stdout.write('  no scrape came after the run: a scraper missed its final counts (the result file has them)\n');
  await endpoint.close();
}
