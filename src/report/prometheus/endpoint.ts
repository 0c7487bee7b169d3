import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Registry, type RegistryContentType } from 'prom-client';
import { closeOnce, listen, targetUrl } from '../../targets/listen.js';
import { runRegistry, type MetricsSource, type RunLabels } from './run-metrics.js';

/** The default address of `--metrics`: loopback, on the port OpenTelemetry's Prometheus exporters default to. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';
export const DEFAULT_METRICS_PORT = 9464;

export interface MetricsEndpoint {
  /** http://host:port/metrics */
  readonly url: string;
  /**
   * Resolves once a scrape has been served after the run finished (so a scraper holds the final
   * counts), or after `lingerMs`, whichever is first: true when such a scrape came.
   */
  finalScrape(lingerMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Whether the scraper asks for OpenMetrics (Prometheus does, by Accept, when it scrapes). */
const wantsOpenMetrics = (request: IncomingMessage): boolean => /application\/openmetrics-text/.test(request.headers.accept ?? '');

/** Serves the run's metrics at /metrics in Prometheus's text format, or OpenMetrics when asked, while the run lasts. */
export async function startMetricsEndpoint(host: string, port: number, source: MetricsSource, labels: RunLabels): Promise<MetricsEndpoint> {
  const registries: Record<'prometheus' | 'openmetrics', Registry<RegistryContentType>> = {
    prometheus: runRegistry(source, labels, Registry.PROMETHEUS_CONTENT_TYPE),
    openmetrics: runRegistry(source, labels, Registry.OPENMETRICS_CONTENT_TYPE),
  };
  /** Whether a scrape has shown the finished run: it may come before anyone waits for it. */
  let finalScraped = false;
  let onFinalScrape: (() => void) | undefined;
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://x').pathname !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    const finished = source.finished();
    const registry = registries[wantsOpenMetrics(request) ? 'openmetrics' : 'prometheus'];
    const body = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType }).end(body, () => {
      if (!finished) return;
      finalScraped = true;
      onFinalScrape?.();
    });
  };
  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  const boundPort = await listen(server, port, host);
  // The run keeps the process alive, not its metrics: a run that fails to start ends without waiting for a close.
  server.unref();
  const close = closeOnce(server, () => server.closeAllConnections());
  return {
    url: `${targetUrl('http', host, boundPort)}/metrics`,
    finalScrape: (lingerMs) =>
      new Promise<boolean>((resolve) => {
        if (finalScraped) {
          resolve(true);
          return;
        }
        const timer = setTimeout(() => resolve(false), lingerMs);
        onFinalScrape = () => {
          clearTimeout(timer);
          resolve(true);
        };
      }),
    close,
  };
}
