import { InvalidArgumentError } from 'commander';
import type { RunFlags } from './run-flags.js';
import { CliError } from './exit-codes.js';

/** --weights "1,3": one positive number per target, the run's URL first. */
export function parseWeights(text: string): number[] {
  const weights = text.split(',').map((part) => (/^\s*\d+(\.\d+)?\s*$/.test(part) ? Number(part) : Number.NaN));
  if (weights.some((weight) => !(weight > 0 && Number.isFinite(weight)))) {
    throw new InvalidArgumentError(`"${text}" is not a list of positive weights such as "1,3"`);
  }
  return weights;
}

/** The target fields of --url and --weights: more targets after the run's URL, and the share of each. */
export function targetSpreadFromFlags(flags: Pick<RunFlags, 'url' | 'weights'>): { weight?: number; urls?: { url: string; weight?: number }[] } {
  const { url: others, weights } = flags;
  if (others.length === 0) {
    if (weights !== undefined) throw new CliError('--weights needs more than one target: add them with --url');
    return {};
  }
  if (weights !== undefined && weights.length !== others.length + 1) {
    throw new CliError(`--weights gives ${weights.length} weights for ${others.length + 1} targets (the run's URL and each --url)`);
  }
  return {
    ...(weights !== undefined ? { weight: weights[0]! } : {}),
    urls: others.map((url, index) => ({ url, ...(weights !== undefined ? { weight: weights[index + 1]! } : {}) })),
  };
}
