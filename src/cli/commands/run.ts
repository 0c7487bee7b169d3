import { Command, InvalidArgumentError, Option } from 'commander';
import { joinCoordinator, parseHostPort, sendResult, ShardLink, type Start } from '../../cluster/coordinator-client.js';
import type { ShardCommand } from '../../cluster/shards-live.js';
import { parseShard } from '../../plan/shard.js';
import { parseStartAt, startAtRecord } from '../../time/start-at.js';
import type { SecondSample } from '../../metrics/recorder.js';
import { isPlanFile, isScenarioFile, validatePlan, type Plan, type PlanInput } from '../../plan/index.js';
import { ARRIVAL_NAMES, canonicalArrival } from '../../plan/arrival.js';
import { JIT_MODES, MAX_WORKERS } from '../../plan/run-options.js';
import { holdsThroughput, isVuExecutor } from '../../plan/executors/index.js';
import { CONTROLLER_KINDS } from '../../plan/hold.js';
import { paletteFor } from '../../report/color.js';
import { NdjsonExchangeLog } from '../../report/ndjson.js';
import { ProgressFrames } from '../../report/progress-frames.js';
import { ProgressPrinter } from '../../report/progress-printer.js';
import { renderSummary } from '../../report/terminal-summary.js';
import { assertWritable } from '../../result/io.js';
import type { RunResult } from '../../result/types.js';
import { startRun, type RunHandle } from '../../runner/index.js';
import { freshSeed } from '../../schedule/random.js';
import { parseThreshold } from '../../plan/threshold.js';
import { systemClock } from '../../time/clock.js';
import { startWorkers, workerCount } from '../../workers/index.js';
import { addDashboardFlags, dashboardAddressOf, openDashboard } from '../dashboard-flags.js';
import { checkHoldFlags, heldExecutor } from '../hold-flags.js';
import { CliError, EXIT } from '../exit-codes.js';
import { flagParser } from '../flag-parser.js';
import { assertPlanFileExists, explicitFlags, flagsWithRunOptions, planFromFile, planFromScenario } from '../plan-file-flags.js';
import { builtinOf } from '../../scenario/builtin/index.js';
import { addScenarioFlags, scenarioFromFlag, scenarioOptionsFromFlags } from '../scenario-flags.js';
import { durationOption, parseCount, parseDuration, parseHeader, parseRate, parseWholeMs } from '../units.js';
import type { RunFlags } from '../run-flags.js';
import { parseWeights, targetSpreadFromFlags } from '../target-spread-flags.js';
import { addWriterOptions, requestedWriters } from '../writer-options.js';
import { addMetricsFlags, finishLiveMetrics, liveMetricsFromFlags } from '../metrics-flags.js';

const collect = <T>(value: T, previous: T[]): T[] => [...previous, value];

/** A --threshold expression, checked as it is read so that its error names the flag. */
const checkedThreshold = flagParser((text) => {
  parseThreshold(text);
  return text;
});

function parseWorkers(text: string): number | 'auto' {
  if (text.trim() === 'auto') return 'auto';
  const workers = parseCount(text);
  if (workers > MAX_WORKERS) throw new InvalidArgumentError(`"${text}" is more than ${MAX_WORKERS}`);
  return workers;
}

/** A number above 0: "0.5", "4". */
function parsePositive(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value > 0)) throw new InvalidArgumentError(`"${text}" is not a number above 0`);
  return value;
}

/** A fraction in (0, 1]: "0.25", "1". */
function parseSampleFraction(text: string): number {
  const fraction = Number(text);
  if (text.trim() === '' || !(fraction > 0 && fraction <= 1))
    throw new InvalidArgumentError(`"${text}" is not a fraction above 0 and at most 1 (examples: 0.01, 0.25, 1)`);
  return fraction;
}

export function runCommand(): Command {
  const command = new Command('run')
    .description('send load to a URL: at a fixed arrival rate (--rate), or as fast as the target answers')
    .argument(
      '<url-or-plan>',
      'a plan file (plan.yaml, plan.json; flags given override its values), a TypeScript scenario (scenario.ts) or a target URL: http://127.0.0.1:8080/, https://host/, h2c://127.0.0.1:8080/, tcp://127.0.0.1:9000, grpc://127.0.0.1:50051',
    )
    .option('-r, --rate <rate>', 'requests per second (500, 2k, 1.5k); without it, max throughput', parseRate)
    .option(
      '--hold <rate>',
      'hold this many completed requests per second by turning the concurrency, or with virtual users their number (a closed loop with a feedback controller)',
      parseRate,
    )
    .addOption(new Option('--controller <kind>', 'with --hold: pid (default), aimd or gradient').choices(CONTROLLER_KINDS))
    .option(
      '--min-concurrency <n>',
      'with --hold: fewest requests in flight on average; below 1, one request is in flight that share of the time (default 0.01); with virtual users, fewest users (default 1)',
      parsePositive,
    )
    .option('--max-concurrency <n>', 'with --hold: most requests in flight (default 1000); with virtual users, most users (default 100)', (text) =>
      parseCount(text),
    )
    .option('--tick <duration>', 'with --hold: how often the throughput is measured and the concurrency turned (default 250ms)', parseWholeMs)
    .addOption(durationOption('-d, --duration <duration>', 'how long to send (500ms, 30s, 2m)', parseWholeMs, 10_000))
    .option('--warmup <duration>', 'the first part of --duration: sent as scheduled, measured apart, left out of the summary and thresholds', parseWholeMs)
    .addOption(new Option('-a, --arrival <schedule>', 'arrival schedule with --rate (uniform is constant)').choices(ARRIVAL_NAMES).default('constant'))
    .option('--bucket <duration>', 'batch interval for --arrival bucket', parseDuration)
    .option('--seed <n>', "seed for --arrival poisson, virtual users' random choices or the draws among --url targets, to repeat a run", (text) =>
      parseCount(text, 0),
    )
    .option('--vus <n>', 'plan or scenario files: run this many virtual users (constant-vus) for --duration', (text) => parseCount(text))
    .option('--target <url>', "plan or scenario files: send to this URL instead of the plan's target")
    .option(
      '--scenario <name-or-file>',
      "virtual users' types: a built-in scenario (servo-fleet) or a TypeScript scenario file; with a URL, runs --vus users (constant-vus) for --duration",
    )
    .option('-c, --connections <n>', 'most connections open at once', (text) => parseCount(text), 50)
    .option('-p, --pipelining <n>', 'requests in flight per connection (max throughput only)', (text) => parseCount(text))
    .addOption(durationOption('-t, --timeout <duration>', 'per-request timeout', parseWholeMs, 10_000))
    .addOption(durationOption('--grace <duration>', 'after --duration, how long requests may still finish', parseWholeMs, 10_000))
    .option('--max-queue <n>', 'requests that may wait for a free connection before being dropped', (text) => parseCount(text, 0), 100_000)
    .option('-m, --method <method>', 'HTTP method', 'GET')
    .option(
      '-H, --header <header>',
      'request header "Name: value" (repeatable)',
      (text, previous: [string, string][]) => collect(parseHeader(text), previous),
      [],
    )
    .option(
      '--url <url>',
      'another target alike but for the address (repeatable): each request goes to one target drawn at random',
      (text, previous: string[]) => collect(text, previous),
      [],
    )
    .option('--weights <list>', 'with --url: each target\'s share, the run\'s URL first ("1,3" sends a quarter to the first)', flagParser(parseWeights))
    .option('--body <text>', 'request body')
    .option('--body-file <path>', 'request body read from a file')
    .option('-k, --insecure', 'https: accept any certificate, self-signed ones included')
    .option('--ca <file>', 'https: trust the CA certificates in this PEM file instead of the bundled roots')
    .option('--http2', 'https: speak HTTP/2, negotiated by ALPN (h2c://host:port/ is HTTP/2 in cleartext)')
    .option('--streams <n>', "HTTP/2 and gRPC: most concurrent streams (calls) per connection (default 100, never above the server's limit)", (text) =>
      parseCount(text),
    )
    .option('--payload <bytes>', 'tcp: what to write for each request; escapes \\n \\r \\t \\0 \\\\ \\xHH')
    .option('--payload-file <file>', 'tcp: write the bytes of this file for each request, as they are (binary included)')
    .option('--expect-delimiter <bytes>', 'tcp: a reply ends with these bytes (escapes as in --payload)')
    .option('--expect-bytes <n>', 'tcp: a reply is this many bytes', (text) => parseCount(text))
    .option('--proto <file>', 'grpc: the .proto file that declares the method')
    .option('--call <method>', 'grpc: the unary method to call, package.Service/Method')
    .option('--data <json>', 'grpc: the request message as JSON (default {}); per-request placeholders {{seq}}, {{uuid}}, {{randomInt MIN MAX}}, ...')
    .option(
      '--metadata <metadata>',
      'grpc: metadata "key: value" sent with every call (repeatable)',
      (text, previous: [string, string][]) => collect(parseHeader(text), previous),
      [],
    )
    .option('--deadline <duration>', 'grpc: the call deadline, sent as grpc-timeout; a call unanswered by then counts as grpc_DEADLINE_EXCEEDED', parseWholeMs)
    .option('--no-probe', 'skip the connection check before the run')
    .option('--ndjson <file>', 'write one JSON line per finished request (run only: a result file does not hold them)')
    .option('--ndjson-sample <fraction>', 'keep this fraction of the requests in --ndjson, a repeatable sample (default 1)', parseSampleFraction)
    .option(
      '--threshold <expression>',
      'pass/fail criterion (repeatable): "p99<250ms", "errors<1%", "rate>=0.99*target"; a failure exits 99',
      (text, previous: string[]) => collect(checkedThreshold(text), previous),
      [],
    )
    .option('--abort-on-fail', 'judge the thresholds on every second too, and end the run at the first failure')
    .addOption(durationOption('--progress <duration>', 'when stdout is not a terminal, print a progress line this often (whole seconds)', parseDuration, 5000))
    .option('-q, --quiet', 'print nothing but errors')
    .option('--shard <index/count>', 'run only this share of the load, 1-based (2/8: the 2nd of 8); merge the shards with salvo merge', flagParser(parseShard))
    .option(
      '--start-at <ISO time>',
      'wait until this wall-clock instant (with a zone: 2026-11-23T08:00:00Z) before time zero, so shards start together',
      flagParser((text) => parseStartAt(text, Date.now())),
    )
    .option(
      '--coordinator <host:port>',
      'with --shard: wait for salvo coordinate to start every shard together, then send it the result',
      flagParser(parseHostPort),
    )
    .option('--workers <n|auto>', 'share the load over n worker threads (auto: one per available core); one result, as from one thread', parseWorkers)
    .addOption(
      new Option(
        '--jit <mode>',
        "V8's compilers for the generator: steady leaves out TurboFan, whose compiles stall a schedule on a busy core; peak keeps it for the most req/s; auto: steady for a paced load until the generator falls behind its schedule, then peak",
      )
        .choices(JIT_MODES)
        .default('auto'),
    );
  return addDashboardFlags(addMetricsFlags(addWriterOptions(addScenarioFlags(command)))).action(async (url: string, flags: RunFlags, self: Command) => {
    process.exitCode = await runFromFlags(url, flags, self);
  });
}

export function planFromFlags(url: string, flags: RunFlags): PlanInput {
  checkHoldFlags(flags, [
    ['rate', flags.rate],
    ['pipelining', flags.pipelining],
    ['vus', flags.vus],
    ['arrival', flags.arrival === 'constant' ? undefined : flags.arrival],
  ]);
  if (flags.rate === undefined) {
    if (flags.arrival !== 'constant') throw new CliError(`--arrival ${flags.arrival} needs --rate`);
  } else if (flags.pipelining !== undefined) {
    throw new CliError('--pipelining applies only to max throughput (without --rate)');
  }
  if (flags.scenario !== undefined) return usersPlanFromFlags(url, flags);
  for (const flag of ['vus', 'target'] as const) {
    if (flags[flag] !== undefined) throw new CliError(`--${flag} applies to a plan file, a scenario file or --scenario, not a URL alone`);
  }
  // A built-in scenario's flags (--apps, ...) without --scenario are refused here.
  scenarioOptionsFromFlags(flags, undefined);
  const severalTargets = flags.url.length > 0;
  if (flags.seed !== undefined && flags.arrival !== 'poisson' && !severalTargets)
    throw new CliError('--seed applies only to --arrival poisson or to several targets (--url)');
  if (flags.bucket !== undefined && flags.arrival !== 'bucket') throw new CliError('--bucket applies only to --arrival bucket');
  // Every shard must draw the same global schedule, which a seed of its own would not.
  if (flags.shard && flags.arrival === 'poisson' && flags.rate !== undefined && flags.seed === undefined)
    throw new CliError('--shard with --arrival poisson needs --seed, so that every shard draws the same schedule');
  if (flags.abortOnFail && flags.threshold.length === 0) throw new CliError('--abort-on-fail needs at least one --threshold');
  const durationMs = flags.duration;
  const arrival = canonicalArrival(flags.arrival);
  const executor: PlanInput['executor'] =
    flags.hold !== undefined
      ? (heldExecutor({ ...flags, hold: flags.hold }, durationMs, undefined) as PlanInput['executor'])
      : flags.rate === undefined
        ? { type: 'max-throughput', durationMs, pipelining: flags.pipelining ?? 1 }
        : arrival === 'poisson'
          ? { type: 'poisson-arrival-rate', ratePerSec: flags.rate, durationMs, seed: flags.seed ?? freshSeed() }
          : arrival === 'bucket'
            ? { type: 'bucket-rate', ratePerSec: flags.rate, durationMs, bucketMs: flags.bucket ?? 100 }
            : { type: 'constant-arrival-rate', ratePerSec: flags.rate, durationMs };
  return {
    target: targetFromFlags(url, flags),
    executor,
    connections: flags.connections,
    timeoutMs: flags.timeout,
    gracefulStopMs: flags.grace,
    maxQueue: flags.maxQueue,
    thresholds: flags.threshold.map((expression) => ({ expression, abortOnFail: flags.abortOnFail === true })),
    ...(flags.warmup !== undefined ? { warmupMs: flags.warmup } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    ...(severalTargets && flags.seed !== undefined ? { seed: flags.seed } : {}),
  };
}

/**
 * A URL with --scenario: its users (constant-vus) for --duration; a built-in scenario runs as many as
 * it is made for unless --vus says fewer. With --hold, as many as hold the throughput (held-vus).
 */
function usersPlanFromFlags(url: string, flags: RunFlags): PlanInput {
  for (const flag of ['rate', 'pipelining', 'bucket', 'target'] as const) {
    if (flags[flag] !== undefined) throw new CliError(`--${flag} does not apply to --scenario, which runs virtual users (the closed model)`);
  }
  if (flags.arrival !== 'constant') throw new CliError('--arrival does not apply to --scenario, which runs virtual users (the closed model)');
  if (flags.abortOnFail && flags.threshold.length === 0) throw new CliError('--abort-on-fail needs at least one --threshold');
  const scenario = scenarioFromFlag(flags.scenario!);
  const scenarioOptions = scenarioOptionsFromFlags(flags, scenario);
  const builtin = builtinOf(scenario);
  return {
    target: targetFromFlags(url, flags),
    executor:
      flags.hold !== undefined
        ? (heldExecutor({ ...flags, hold: flags.hold }, flags.duration, {}) as PlanInput['executor'])
        : { type: 'constant-vus', vus: usersOfFlags(flags, builtin, scenarioOptions), durationMs: flags.duration },
    scenario,
    ...(builtin ? { scenarioOptions } : {}),
    timeoutMs: flags.timeout,
    gracefulStopMs: flags.grace,
    thresholds: flags.threshold.map((expression) => ({ expression, abortOnFail: flags.abortOnFail === true })),
    ...(flags.warmup !== undefined ? { warmupMs: flags.warmup } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
  };
}

/** --vus, or as many users as a built-in scenario is made for. */
function usersOfFlags(flags: RunFlags, builtin: ReturnType<typeof builtinOf>, scenarioOptions: Record<string, unknown>): number {
  if (flags.vus !== undefined) return flags.vus;
  if (!builtin) throw new CliError(`--scenario ${flags.scenario} with a URL needs --vus N`);
  const options = builtin.options.safeParse(scenarioOptions);
  // Options that do not parse fail the plan's validation, which names each problem; 1 only holds the place till then.
  return options.success ? builtin.users(options.data) : 1;
}

/**
 * The target part of a plan. HTTP fields are left out of a tcp:// or grpc:// target unless given (GET
 * is commander's default), so the plan's validation names every flag that does not fit the scheme.
 */
function targetFromFlags(url: string, flags: RunFlags): PlanInput['target'] {
  const http = !/^(tcp|grpc):/i.test(url);
  const method = flags.method.toUpperCase();
  return {
    url,
    ...targetSpreadFromFlags(flags),
    ...(http || method !== 'GET' ? { method } : {}),
    ...(http || flags.header.length > 0 ? { headers: flags.header } : {}),
    ...(flags.body !== undefined ? { body: flags.body } : {}),
    ...(flags.bodyFile !== undefined ? { bodyFile: flags.bodyFile } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
    ...(flags.ca !== undefined ? { caFile: flags.ca } : {}),
    ...(flags.http2 ? { http2: true } : {}),
    ...(flags.streams !== undefined ? { streams: flags.streams } : {}),
    ...(flags.payload !== undefined ? { payload: flags.payload } : {}),
    ...(flags.payloadFile !== undefined ? { payloadFile: flags.payloadFile } : {}),
    ...(flags.expectDelimiter !== undefined ? { expectDelimiter: flags.expectDelimiter } : {}),
    ...(flags.expectBytes !== undefined ? { expectBytes: flags.expectBytes } : {}),
    ...(flags.proto !== undefined ? { proto: flags.proto } : {}),
    ...(flags.call !== undefined ? { call: flags.call } : {}),
    ...(flags.data !== undefined ? { data: flags.data } : {}),
    ...(flags.metadata.length > 0 ? { metadata: flags.metadata } : {}),
    ...(flags.deadline !== undefined ? { deadlineMs: flags.deadline } : {}),
  };
}

async function runFromFlags(url: string, flags: RunFlags, command: Command): Promise<number> {
  const scenarioFile = isScenarioFile(url);
  if (!isPlanFile(url) && !scenarioFile) assertPlanFileExists(url);
  // A plan file's run section is how to run it, not what to run: it fills in flags and the result never records it.
  const { run: runOptions, ...planned } = scenarioFile
    ? await planFromScenario(url, flags, explicitFlags(command))
    : isPlanFile(url)
      ? planFromFile(url, flags, explicitFlags(command))
      : validatePlan(planFromFlags(url, flags));
  // Virtual users' random choices are seeded; the seed is recorded so the run can be repeated.
  if (isPlanFile(url) || scenarioFile) {
    if (flags.url.length > 0 || flags.weights !== undefined) throw new CliError("--url and --weights apply to a URL: give a plan's targets as target.urls");
  }
  // So are the draws of a run's target among several.
  const plan =
    (isVuExecutor(planned.executor) || planned.target.urls !== undefined) && planned.seed === undefined ? { ...planned, seed: freshSeed() } : planned;
  if (runOptions !== undefined) flags = flagsWithRunOptions(flags, runOptions, explicitFlags(command));
  const writers = requestedWriters(flags as unknown as Record<string, unknown>);
  const workers = workerCount(flags.workers ?? 1);
  if (workers > 1 && holdsThroughput(plan.executor)) throw new CliError('--hold is one control loop: leave out --workers');
  if (workers > 1 && flags.ndjson !== undefined) throw new CliError('--ndjson logs each request from one thread: leave out --workers');
  const exchangeLog = exchangeLogFromFlags(flags, plan);
  const dashboardAddress = dashboardAddressOf(flags);
  const progress = flags.quiet
    ? undefined
    : new ProgressPrinter({ out: process.stdout, isTTY: process.stdout.isTTY === true, everySeconds: Math.ceil(flags.progress / 1000) });
  const liveMetrics = await liveMetricsFromFlags(flags, plan);
  const live = dashboardAddress ? await openDashboard(dashboardAddress, flags.dashboardToken, plan) : undefined;
  if (live && !flags.quiet) process.stdout.write(`dashboard: ${live.dashboard.url}\n`);
  try {
    return await runWithDisplays(plan, flags, workers, exchangeLog, progress, { live, liveMetrics }, writers);
  } finally {
    await live?.dashboard.close();
  }
}

/** The run itself, shown as it goes by the progress printer, the dashboard and the metrics endpoint (any may be off). */
async function runWithDisplays(
  plan: Plan,
  flags: RunFlags,
  workers: number,
  exchangeLog: NdjsonExchangeLog | undefined,
  progress: ProgressPrinter | undefined,
  { live, liveMetrics }: { live: Awaited<ReturnType<typeof openDashboard>> | undefined; liveMetrics: Awaited<ReturnType<typeof liveMetricsFromFlags>> },
  writers: ReturnType<typeof requestedWriters>,
): Promise<number> {
  let link: ShardLink | undefined;
  const coordinator = flags.coordinator;
  if (coordinator !== undefined) {
    const start = await startOfCoordinator(coordinator, plan, flags);
    flags = { ...flags, startAt: start.startAtMs };
    // The coordinator shows the shards as one run on its dashboard, and steers them from there.
    if (start.live) link = new ShardLink(coordinator, plan.shard!.index);
  }
  // The run waits for the instant itself, once ready (worker threads loaded, the target connected), so that getting ready does not make the start late.
  if (flags.startAt !== undefined && !flags.quiet) process.stdout.write(`waiting until ${new Date(flags.startAt).toISOString()} to start\n`);
  // One frame a second for every display, built only when one is on.
  const frames = progress || live || link ? new ProgressFrames(plan) : undefined;
  const onSecond = (sample: SecondSample): void => {
    const frame = frames!.ofRun(sample, handle);
    progress?.print(frame);
    live?.dashboard.publish(frame);
    link?.sendSecond({ sample, inFlight: frame.inFlight, cpuPercent: frame.cpuPercent, targetRatePerSec: handle.targetRatePerSec() });
  };
  const liveUncorrected = live !== undefined || link !== undefined;
  const handle: RunHandle =
    workers > 1
      ? await startWorkers(plan, {
          workers,
          probe: flags.probe,
          jit: flags.jit,
          ...(frames ? { onSecond } : {}),
          ...(liveUncorrected ? { liveUncorrected: true } : {}),
          ...(flags.startAt !== undefined ? { startAtMs: flags.startAt } : {}),
        })
      : await startRun(plan, {
          clock: systemClock,
          probe: flags.probe,
          jit: flags.jit,
          onExchange: exchangeLog,
          ...(frames ? { onSecond } : {}),
          ...(liveUncorrected ? { liveUncorrected: true } : {}),
          ...(flags.startAt !== undefined ? { startAtEpochMs: flags.startAt } : {}),
        });
  live?.steering.attach(handle);
  link?.follow((command) => applyShardCommand(handle, command, flags.quiet === true));
  liveMetrics?.attach(handle);
  const signals: Record<string, number> = { SIGINT: EXIT.interruptedBySigint, SIGTERM: EXIT.interruptedBySigterm };
  const onSignal = (signal: NodeJS.Signals): void => handle.stop(signal);
  for (const signal of Object.keys(signals)) process.once(signal, onSignal);
  let result: RunResult;
  try {
    result = await handle.result;
  } finally {
    progress?.stop();
    await link?.close();
    for (const signal of Object.keys(signals)) process.removeListener(signal, onSignal);
  }
  if (live) result = live.steering.withEvents(result);
  if (flags.startAt !== undefined) result = { ...result, startAt: startAtRecord(flags.startAt, result.startedAt) };
  if (liveMetrics) result = { ...result, runId: liveMetrics.runId };
  for (const writer of writers) await writer.write(result);
  live?.dashboard.finish(result, writers.find((writer) => writer.key === 'html')?.path);
  const unsent = flags.coordinator === undefined ? undefined : await coordinatorRefusal(flags.coordinator, result);
  if (exchangeLog !== undefined) {
    try {
      await exchangeLog.close();
    } catch (error) {
      throw new CliError(`--ndjson: ${(error as Error).message}`);
    }
  }
  if (!flags.quiet) {
    process.stdout.write(`${renderSummary(result, paletteFor(process.stdout)).join('\n')}\n`);
    for (const writer of writers) process.stdout.write(`  written: ${writer.path}\n`);
    if (exchangeLog !== undefined) process.stdout.write(`  written: ${exchangeLog.path}\n`);
  }
  if (liveMetrics) await finishLiveMetrics(liveMetrics, flags.quiet === true);
  if (unsent !== undefined) {
    process.stderr.write(`salvo: error: ${unsent}\n`);
    return EXIT.internal;
  }
  // A worker that died leaves a result short of its share: written, but no success.
  if (result.partial) {
    process.stderr.write(`salvo: error: the result is partial: ${result.partial.join('; ')}\n`);
    return EXIT.internal;
  }
  // A run cut short by a signal carries no judged thresholds, so Ctrl-C stays 130.
  if (result.thresholds?.some((threshold) => !threshold.passed)) return EXIT.thresholds;
  // Stopped from the dashboard: ended as its user asked, with what it measured.
  if (result.interruptReason === 'dashboard') return EXIT.ok;
  return result.interrupted ? (signals[result.interruptReason ?? ''] ?? EXIT.internal) : EXIT.ok;
}

/** Joins the coordinator and waits for the others: the start instant it gives, and whether it watches the run. */
async function startOfCoordinator(address: { host: string; port: number }, plan: Plan, flags: RunFlags): Promise<Start> {
  if (flags.startAt !== undefined) throw new CliError('--coordinator sets the start instant: leave out --start-at');
  if (plan.shard === undefined) throw new CliError('--coordinator needs --shard: the coordinator merges shards');
  if (!flags.quiet) process.stdout.write(`shard ${plan.shard.index}/${plan.shard.count} waiting for the coordinator at ${address.host}:${address.port}\n`);
  return joinCoordinator(address, plan);
}

/** A change made on the coordinator's dashboard, this shard's share of it; one this run cannot take is said, not dropped in silence. */
function applyShardCommand(handle: RunHandle, command: ShardCommand, quiet: boolean): void {
  try {
    if (command.what === 'stop') handle.stop('dashboard');
    else if (command.what === 'rate') handle.setRate(command.value!);
    else handle.setConcurrency(command.value!);
    if (!quiet && command.what !== 'stop') process.stdout.write(`the coordinator set ${command.what} to ${command.value}\n`);
  } catch (error) {
    process.stderr.write(`salvo: the coordinator's change of ${command.what} to ${command.value} was not applied here: ${(error as Error).message}\n`);
  }
}

/** Sends the result to the coordinator; what went wrong, in one line, when it did not take it. */
async function coordinatorRefusal(address: { host: string; port: number }, result: RunResult): Promise<string | undefined> {
  try {
    await sendResult(address, result);
    return undefined;
  } catch (error) {
    return `the result did not reach the coordinator: ${(error as Error).message}`;
  }
}

/** The --ndjson log, its path checked before the run like every other file a run writes. */
function exchangeLogFromFlags(flags: RunFlags, plan: Plan): NdjsonExchangeLog | undefined {
  if (flags.ndjson === undefined) {
    if (flags.ndjsonSample !== undefined) throw new CliError('--ndjson-sample applies only with --ndjson');
    return undefined;
  }
  assertWritable(flags.ndjson, '--ndjson');
  return new NdjsonExchangeLog(flags.ndjson, flags.ndjsonSample ?? 1, systemClock, new URL(plan.target.url).protocol === 'grpc:');
}
