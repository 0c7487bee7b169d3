import { maxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** A request Node's HTTP parser refused before any handler saw it. */
export interface ParserRejection {
  status: number;
  /** The parser's code, e.g. HPE_HEADER_OVERFLOW: a label for counting. */
  code: string;
  reason: string;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

/**
 * Answers what Node's HTTP parser refuses (a request line or headers too long, bad bytes in the URL, a
 * malformed request) with a JSON `detail` that says why, as the target's other errors do, and reports
 * each to `onRejected` so it is counted. The size limit named is Node's (--max-http-header-size). Node's own answer is an empty 400 or 431 that no metric sees.
 */
export function answerParserRejections(server: Server, onRejected: (rejection: ParserRejection) => void): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { reason?: string }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return; // the client left; there is no one to answer
    const rejection = rejectionOf(error, maxHeaderSize);
    onRejected(rejection);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ detail: rejection.reason });
    socket.end(
      `HTTP/1.1 ${rejection.status} ${STATUS_TEXT[rejection.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

function rejectionOf(error: NodeJS.ErrnoException & { reason?: string }, headerLimitBytes: number): ParserRejection {
  const code = error.code ?? 'unknown';
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code, reason: `the request line and headers are larger than ${headerLimitBytes} bytes` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code, reason: 'the chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code, reason: 'the request did not arrive in time' };
    default:
      return { status: 400, code, reason: `malformed request: ${error.reason ?? error.message}` };
  }
}
