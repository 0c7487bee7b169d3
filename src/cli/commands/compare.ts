import { Command } from 'commander';
import { compareResults, DEFAULT_COMPARE_OPTIONS } from '../../compare/compare-results.js';
import { gateFails, parseFailCondition, type FailCondition } from '../../compare/fail-if.js';
import { renderComparison, renderGates } from '../../compare/render-comparison.js';
import { EXIT } from '../exit-codes.js';
import { flagParser } from '../flag-parser.js';
import { readResult } from '../../result/io.js';

const FAIL_IF_HELP = `
Regression gate (--fail-if, repeatable; quote it, the shell reads > and <):
  <metric><operator><signed change>
    metric     p50 p90 p99 p999 max mean   corrected latency
               rate                        throughput (completed requests per second)
               errors                      error rate: failed or dropped among all outcomes, in %
    operator   > (the change is above) or < (the change is below)
    change     +10% -5%            relative to the baseline's value
               +2ms +500us +1s     absolute, for latency
               -100/s              absolute, for rate
               +0.5%               for errors only: percentage points (1.0% -> 1.6% is +0.6%)
  salvo compare exits 99 when a condition holds AND its change is statistically significant
  (p < 0.05), else 0. A change that is not significant never fails the gate, however large it
  reads: a few slow requests move p99.9 and max by chance. The tests see the noise of sampling
  within each run, not a machine that changed between runs: compare runs made alike.
  rate and errors are tested on per-second samples and need at least 8 full seconds per run.

Examples:
  salvo compare main.json branch.json
  salvo compare main.json branch.json --fail-if 'p99>+10%' --fail-if 'rate<-5%' --fail-if 'errors>+0.5%'
`;

const checkedCondition = flagParser(parseFailCondition);
const collectCondition = (text: string, previous: FailCondition[] = []): FailCondition[] => [...previous, checkedCondition(text)];

export function compareCommand(): Command {
  return new Command('compare')
    .description('compare a candidate run with a baseline: each change, and whether it is statistically significant')
    .argument('<baseline>', 'the result to compare against')
    .argument('<candidate>', 'the result that may have changed')
    .option('--fail-if <condition>', "exit 99 when this change holds and is significant, e.g. 'p99>+10%' (repeatable)", collectCondition)
    .addHelpText('after', FAIL_IF_HELP)
    .action(async (baselinePath: string, candidatePath: string, flags: { failIf?: FailCondition[] }) => {
      const baseline = { name: baselinePath, result: await readResult(baselinePath) };
      const candidate = { name: candidatePath, result: await readResult(candidatePath) };
      const comparisons = compareResults(baseline.result, candidate.result, DEFAULT_COMPARE_OPTIONS);
      const gates = (flags.failIf ?? []).map((condition) => {
        const comparison = comparisons.find(({ metric }) => metric === condition.metric)!;
        return { condition, comparison, failed: gateFails(condition, comparison) };
      });
      const lines = renderComparison(baseline, candidate, comparisons, DEFAULT_COMPARE_OPTIONS);
      if (gates.length > 0) lines.push('', ...renderGates(gates));
      process.stdout.write(`${lines.join('\n')}\n`);
      process.exitCode = gates.some(({ failed }) => failed) ? EXIT.thresholds : EXIT.ok;
    });
}
