import { InvalidArgumentError } from 'commander';
import { SalvoError } from '../errors.js';

/**
 * A flag's value parser made from a function that throws a SalvoError for bad text: commander then
 * prints the problem in its one line that names the flag ("option '--shard <index/count>' argument ...").
 */
export function flagParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof SalvoError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}
