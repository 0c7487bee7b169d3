import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { CliError } from '../exit-codes.js';

export const STARTER_PLAN_FILE = 'salvo.plan.yaml';

/** The starter plan, commented field by field; a copy is examples/salvo.plan.yaml, and a test keeps the two equal. */
export const STARTER_PLAN = `# salvo plan: run it with \`salvo run salvo.plan.yaml\` (start a target first: \`salvo serve http --port 8080\`).
# Flags given on the command line replace these values: \`salvo run salvo.plan.yaml --rate 2k --duration 30s\`.
# Editors can check and complete this file from the JSON Schema: \`salvo schema > salvo.schema.json\`.
# Durations (every field ending in Ms) are milliseconds, or strings with a unit: "500ms", "30s", "2m".
version: 1

# What to load: an http://, https:// or tcp:// URL.
target:
  url: http://127.0.0.1:8080/
  method: GET
  # Headers as [name, value] pairs.
  headers:
    - [Accept, text/plain]
  # body: '{"hello": "world"}'       # or bodyFile: ./body.json

# How load arrives. An open model: requests are due on schedule whatever the target does, and
# latency is measured from when each request should have been sent.
executor:
  # constant-arrival-rate, poisson-arrival-rate (needs a seed), bucket-rate (needs bucketMs),
  # ramping-arrival-rate (below), or max-throughput (closed loop, as fast as the target answers).
  type: ramping-arrival-rate
  startRatePerSec: 0
  # Each stage moves the rate linearly from the previous target to its own over its duration;
  # the run lasts as long as the stages together (15 s here, 2,000 requests).
  stages:
    - { targetRatePerSec: 200, durationMs: 5s }    # ramp up
    - { targetRatePerSec: 200, durationMs: 5s }    # hold
    - { targetRatePerSec: 0, durationMs: 5s }      # ramp down
  # A constant rate instead:
  #   type: constant-arrival-rate
  #   ratePerSec: 100
  #   durationMs: 10s

# Most connections open at once (opened as needed).
connections: 50
# A request without an answer after this long counts as a timeout.
timeoutMs: 10s
# After the last request is due, how long answers may still arrive before the run ends.
gracefulStopMs: 10s
# Requests due while every connection is busy wait here, keeping their intended time; beyond it they are dropped.
maxQueue: 100000

# Pass/fail criteria: any failure makes \`salvo run\` exit 99.
thresholds:
  - expression: p99<250ms
  - expression: errors<1%
    # Also judge each second, and end the run at the first failing one.
    abortOnFail: false
`;

export function initCommand(): Command {
  return new Command('init')
    .description(`write a commented starter plan, ${STARTER_PLAN_FILE}, that runs as-is against salvo serve http --port 8080`)
    .option('--dir <dir>', 'where to write it', '.')
    .action((flags: { dir: string }) => {
      const path = join(flags.dir, STARTER_PLAN_FILE);
      try {
        // "wx": a plan someone has edited is never overwritten.
        writeFileSync(path, STARTER_PLAN, { flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError(code === 'EEXIST' ? `${path} already exists: remove it or choose another --dir` : `cannot write ${path}: ${code ?? (error as Error).message}`);
      }
      process.stdout.write(`wrote ${path}\nstart a target with: salvo serve http --port 8080\nthen run: salvo run ${path}\n`);
    });
}
