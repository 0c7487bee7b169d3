import { InvalidArgumentError } from 'commander';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** A commander parser that takes the text only when it matches `pattern`. */
export function checked(pattern: RegExp, what: string): (text: string) => string {
  return (text: string) => {
    if (!pattern.test(text)) throw new InvalidArgumentError(`"${text}" is not ${what}`);
    return text;
  };
}
