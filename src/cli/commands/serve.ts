import { Command, InvalidArgumentError } from 'commander';
import { startGrpcWorker, WORKER_CALL, WORKER_PROTO } from '../../targets/grpc-worker.js';
import { startHttpTarget } from '../../targets/http-server.js';
import { startTcpEchoTarget } from '../../targets/tcp-echo.js';
import { selfSignedCertificate } from '../../targets/tls.js';
import { MAX_APPS } from '../../plan/servo-fleet-options.js';
import { adjustSettingsProblems, startServoFleet, type AdjustSettings } from '../../targets/servo-fleet/index.js';
import { CliError } from '../exit-codes.js';
import { parseCount, parsePort } from '../units.js';
import { addStationFlags, stationOf, type StationFlags } from '../station-flags.js';

/** Keeps a target up until SIGINT or SIGTERM (or, when a salvo process started it, until that process is gone), then closes it. */
async function serveUntilSignal(close: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (process.connected) process.once('disconnect', stop);
  });
  await close();
  if (process.connected) process.disconnect(); // lets the process exit when a parent still holds the channel
}

export function serveCommand(): Command {
  const serve = new Command('serve').description('run a built-in target to send load to');
  const http = serve
    .command('http')
    .description(
      'HTTP/1.1 (or, with --h2c, HTTP/2) target: / (hello), /echo, /delay/:ms, /status/:code, /spin/:ms, /bytes/:n; every answer carries Server-Timing; with --service-time, a target of known capacity',
    )
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to bind; 0 picks a free one', parsePort, 8080)
    .option('--tls', 'serve HTTPS with a self-signed certificate made at start, HTTP/2 or HTTP/1.1 as ALPN picks (clients need --insecure)')
    .option('--h2c', 'serve HTTP/2 in cleartext with prior knowledge (salvo run h2c://, curl --http2-prior-knowledge, h2load)');
  addStationFlags(http).action(async (flags: { host: string; port: number; tls?: boolean; h2c?: boolean } & StationFlags) => {
    if (flags.tls && flags.h2c) throw new CliError('--h2c is HTTP/2 in cleartext: give --tls or --h2c, not both');
    const station = stationOf(flags);
    const tls = flags.tls ? await selfSignedCertificate(flags.host) : undefined;
    const target = await startHttpTarget({
      host: flags.host,
      port: flags.port,
      ...(tls ? { tls } : {}),
      ...(flags.h2c ? { h2c: true } : {}),
      ...(station ? { station } : {}),
    });
    const capacity = station
      ? ` (${station.slots} slots × ${station.serviceTimeMs} ms${station.distribution === 'exp' ? ' exponential' : ''}: ${formatCapacity(station.slots, station.serviceTimeMs)} req/s)`
      : '';
    process.stdout.write(`salvo http target${capacity} listening on ${target.url}\n`);
    await serveUntilSignal(() => target.close());
  });
  serve
    .command('tcp-echo')
    .description('raw TCP target that echoes every byte it receives (for salvo run tcp://)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to bind; 0 picks a free one', parsePort, 9000)
    .action(async (flags: { host: string; port: number }) => {
      const target = await startTcpEchoTarget({ host: flags.host, port: flags.port });
      process.stdout.write(`salvo tcp-echo target listening on ${target.url}\n`);
      await serveUntilSignal(() => target.close());
    });
  serve
    .command('grpc-worker')
    .description(
      `gRPC target (cleartext HTTP/2): ${WORKER_CALL} spins the CPU for the requested ms and answers with the service time, also in the trailer server-timing; proto: ${WORKER_PROTO}`,
    )
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to bind; 0 picks a free one', parsePort, 50051)
    .option(
      '--replicas <n>',
      `spin on n worker threads, one call each at a time, the others waiting: a stand-in for a service scaled to n instances (at most ${MAX_REPLICAS})`,
      parseReplicas,
    )
    .option('--no-server-timing', 'leave the server-timing trailer out: the service time is then only in the reply field serviceMs')
    .action(async (flags: { host: string; port: number; replicas?: number; serverTiming: boolean }) => {
      const target = await startGrpcWorker({
        host: flags.host,
        port: flags.port,
        serverTiming: flags.serverTiming,
        ...(flags.replicas !== undefined ? { replicas: flags.replicas } : {}),
      });
      process.stdout.write(`salvo grpc-worker target${flags.replicas !== undefined ? ` (${flags.replicas} replicas)` : ''} listening on ${target.url}\n`);
      await serveUntilSignal(() => target.close());
    });
  serve
    .command('servo-fleet')
    .description(
      'emulator of many optimizer backends (servo protocol), one state machine per app, answering as Voracious does; also /, /metrics, /openapi.json, /docs, /redoc',
    )
    .option('--apps <n>', `number of applications, app00000..app(n-1), at most ${MAX_APPS}`, parseApps, 5000)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to bind; 0 picks a free one', parsePort, 8080)
    .option('--resync', 'accept servos that continue without HELLO (after a restart): adopt the state their first event implies', false)
    .option('--state-file <file>', 'restore app states from this file on start (if it exists) and write them to it on SIGINT/SIGTERM')
    .option('--adjust-settings <json>', 'settings ADJUST hands out, as {"component": {"setting": value}}', parseAdjustSettings)
    .option(
      '--strict',
      "salvo's stricter validation instead of Voracious's answers: only app00000..app(n-1), progress an integer 0..100, 400 with a reason for any bad body",
      false,
    )
    .action(
      async (flags: { apps: number; host: string; port: number; resync: boolean; strict: boolean; stateFile?: string; adjustSettings?: AdjustSettings }) => {
        const target = await startServoFleet({
          apps: flags.apps,
          host: flags.host,
          port: flags.port,
          resync: flags.resync,
          stateFile: flags.stateFile,
          adjustSettings: flags.adjustSettings,
          strict: flags.strict,
        });
        process.stdout.write(
          `salvo servo-fleet target (${flags.apps} apps${flags.resync ? ', resync' : ''}${flags.strict ? ', strict' : ''}) listening on ${target.url}\n`,
        );
        await serveUntilSignal(() => target.close());
      },
    );
  return serve;
}

/** Threads beyond the cores only share them; this bound catches a typo before it starts thousands. */
const MAX_REPLICAS = 256;

function parseReplicas(text: string): number {
  const replicas = parseCount(text, 1);
  if (replicas > MAX_REPLICAS) throw new InvalidArgumentError(`"${text}" is more than ${MAX_REPLICAS}`);
  return replicas;
}

function parseApps(text: string): number {
  const apps = parseCount(text, 1);
  if (apps > MAX_APPS) throw new InvalidArgumentError(`"${text}" is more than ${MAX_APPS} (app names have 5 digits)`);
  return apps;
}

function parseAdjustSettings(text: string): AdjustSettings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError('is not JSON (example: {"web": {"cpu": 2, "replicas": 4}})');
  }
  const problems = adjustSettingsProblems(value);
  if (problems.length > 0) throw new InvalidArgumentError(problems.join('; '));
  return value as AdjustSettings;
}

function formatCapacity(slots: number, serviceTimeMs: number): string {
  return String(Math.round((slots * 1000) / serviceTimeMs));
}
