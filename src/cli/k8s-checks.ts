import { InvalidArgumentError } from 'commander';
import { assertFitsConfigMap, ShipError } from '../cluster/k8s-ship.js';
import { CliError } from './exit-codes.js';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** A commander parser that takes the text only when it matches `pattern`. */
export function checked(pattern: RegExp, what: string): (text: string) => string {
  return (text: string) => {
    if (!pattern.test(text)) throw new InvalidArgumentError(`"${text}" is not ${what}`);
    return text;
  };
}

/** `manifests`, once their ConfigMap is known to fit Kubernetes' limit; a CliError saying what is too large otherwise. */
export function withFittingConfigMap(manifests: Record<string, unknown>[]): Record<string, unknown>[] {
  try {
    assertFitsConfigMap(manifests.find((manifest) => manifest.kind === 'ConfigMap')!.data as Record<string, string>);
  } catch (error) {
    if (error instanceof ShipError) throw new CliError(error.message);
    throw error;
  }
  return manifests;
}
