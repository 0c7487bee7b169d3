import { NO_STATUS } from '../../metrics/causes.js';
import { NO_SERVICE_TIME } from '../server-timing.js';
import type { ReplyHandler, ReplyReader } from '../socket-pool.js';

/**
 * Replies that end with a delimiter. Bytes are scanned, never kept: a delimiter split across reads
 * is found by carrying how much of it has matched (KMP, so "\r\r\n" still ends at "\r\n").
 */
export class DelimitedReplyReader implements ReplyReader {
  private matched = 0;
  private readonly fallback: Int32Array;

  constructor(
    private readonly onReply: ReplyHandler,
    private readonly delimiter: Buffer,
  ) {
    this.fallback = failureTable(delimiter);
  }

  feed(data: Buffer, start: number, end: number): boolean {
    const delimiter = this.delimiter;
    if (delimiter.length === 1) {
      // The common case ("\n"): memchr through indexOf, no per-byte loop in JS.
      const byte = delimiter[0]!;
      for (let at = data.indexOf(byte, start); at >= 0 && at < end; at = data.indexOf(byte, at + 1)) this.onReply(NO_STATUS, true, NO_SERVICE_TIME);
      return true;
    }
    let matched = this.matched;
    for (let i = start; i < end; i++) {
      const byte = data[i]!;
      while (matched > 0 && delimiter[matched] !== byte) matched = this.fallback[matched - 1]!;
      if (delimiter[matched] === byte) matched++;
      if (matched === delimiter.length) {
        matched = 0;
        this.onReply(NO_STATUS, true, NO_SERVICE_TIME);
      }
    }
    this.matched = matched;
    return true;
  }

  /** A reply cut off by the close is incomplete: the pool counts it as `closed`. */
  finish(): void {}
}

/** Replies of a fixed number of bytes. */
export class FixedSizeReplyReader implements ReplyReader {
  private received = 0;

  constructor(
    private readonly onReply: ReplyHandler,
    private readonly size: number,
  ) {}

  feed(_data: Buffer, start: number, end: number): boolean {
    this.received += end - start;
    while (this.received >= this.size) {
      this.received -= this.size;
      this.onReply(NO_STATUS, true, NO_SERVICE_TIME);
    }
    return true;
  }

  finish(): void {}
}

/** KMP: for each prefix length i+1, the longest proper prefix of the delimiter that is also its suffix. */
function failureTable(delimiter: Buffer): Int32Array {
  const table = new Int32Array(delimiter.length);
  for (let i = 1, k = 0; i < delimiter.length; i++) {
    while (k > 0 && delimiter[i] !== delimiter[k]) k = table[k - 1]!;
    if (delimiter[i] === delimiter[k]) k++;
    table[i] = k;
  }
  return table;
}
