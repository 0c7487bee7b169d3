import { Pushgateway, Registry } from 'prom-client';
import { runRegistry, type MetricsSource, type RunLabels } from './run-metrics.js';

/** How often the run's metrics are pushed while it lasts: k6's flush interval for Prometheus remote write. */
export const PUSH_INTERVAL_MS = 5000;
/** A gateway that takes longer than this to answer a push is given up on for that push. */
const PUSH_TIMEOUT_MS = 10_000;

export interface MetricsPusher {
  /** Where the pushes go: the gateway's address with its job and grouping path. */
  readonly url: string;
  /** Stops the pushes while the run lasts and pushes once more: the final counts. Rejects with why the gateway did not take them. */
  finish(): Promise<void>;
}

/**
 * Pushes the run's metrics to a Prometheus Pushgateway, for runs too short to be scraped: every
 * PUSH_INTERVAL_MS while the run lasts and once at its end, each push replacing the last (PUT) in the
 * group of job "salvo" and the run's id. A push that fails while the run lasts is left: the next one,
 * and the final one, replace it.
 */
export function startMetricsPush(gatewayUrl: string, source: MetricsSource, labels: RunLabels): MetricsPusher {
  const gateway = new Pushgateway(gatewayUrl, { timeout: PUSH_TIMEOUT_MS }, runRegistry(source, labels, Registry.PROMETHEUS_CONTENT_TYPE));
  // The run id has no "/" (a shard label does), so it goes in the path as it is; the shard stays a label of each series.
  const params = { jobName: 'salvo', groupings: { run_id: labels.run_id } };
  let pushing: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    // A slow gateway is not pushed at twice.
    pushing ??= gateway
      .push(params)
      .catch(() => {})
      .finally(() => (pushing = undefined));
  }, PUSH_INTERVAL_MS);
  timer.unref();
  return {
    url: `${gatewayUrl.replace(/\/+$/, '')}/metrics/job/salvo/run_id/${labels.run_id}`,
    async finish() {
      clearInterval(timer);
      await pushing;
      await gateway.push(params);
    },
  };
}
