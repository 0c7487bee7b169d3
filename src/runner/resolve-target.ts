import { readFile } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import type { Target } from '../plan/schema.js';
import { loadMethod, messageSource, replyServiceReader } from '../protocols/grpc/index.js';
import { checkCaBundle } from '../protocols/tls/ca-bundle.js';
import type { GrpcCall, ResolvedTarget } from '../protocols/resolved-target.js';
import { decodeEscapes } from '../plan/escapes.js';
import { SetupError } from './setup-error.js';

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'h2c:': 80 };

export async function resolveTarget(target: Target): Promise<ResolvedTarget> {
  const url = new URL(target.url);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 80);
  let address: string;
  try {
    // IPv4 first: "localhost" may list ::1 first while servers (ours included) bind 127.0.0.1.
    const addresses = await lookup(hostname, { all: true });
    address = (addresses.find((entry) => entry.family === 4) ?? addresses[0]!).address;
  } catch (error) {
    throw new SetupError(`cannot resolve host "${hostname}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'ERR_HOST_UNRESOLVED');
  }
  const body =
    target.bodyFile !== undefined
      ? await readSetupFile('body file', target.bodyFile)
      : target.payloadFile !== undefined
        ? await readSetupFile('payload file', target.payloadFile)
        : target.body !== undefined
          ? Buffer.from(target.body, 'utf8')
          : target.payload !== undefined
            ? decodeEscapes(target.payload)
            : undefined;
  const ca = target.caFile !== undefined ? await readSetupFile('CA file', target.caFile) : undefined;
  if (ca !== undefined) checkCaBundle(ca, target.caFile!);
  const grpc = url.protocol === 'grpc:' ? grpcCall(target) : undefined;
  return { address, port, body, hostname, ...(ca !== undefined ? { ca } : {}), ...(grpc !== undefined ? { grpc } : {}) };
}

function grpcCall({ proto, call, data }: Target): GrpcCall {
  // The plan schema requires proto and call for grpc://.
  const method = loadMethod(proto!, call!);
  return { path: method.path, nextMessage: messageSource(method.requestType, data ?? '{}'), replyServiceUs: replyServiceReader(method.responseType) };
}

/** Reads a file the run needs before it starts; failing to is a SetupError naming the file. */
async function readSetupFile(what: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new SetupError(`cannot read ${what} "${path}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'ERR_FILE_UNREADABLE');
  }
}

/**
 * What the probe says on its connection, and how it judges the first bytes of the answer: a message
 * when they show the target speaks another protocol than the URL's.
 */
export interface ProtocolCheck {
  greeting: Buffer;
  judge(firstBytes: Buffer): string | undefined;
}

/**
 * Opens and closes one connection, so a run against a target that is not there fails before it starts;
 * with a `check`, also says its greeting and fails when the answer shows a protocol mismatch. A target
 * that connects but is slow to answer passes: the run will measure that.
 */
export async function probeTarget(address: string, port: number, timeoutMs = 3000, check?: ProtocolCheck): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: address, port });
    let connected = false;
    const settle = (error?: SetupError): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => settle(connected ? undefined : new SetupError(`cannot reach ${address}:${port}: no answer within ${timeoutMs} ms`, 'ERR_TARGET_UNREACHABLE')),
      timeoutMs,
    );
    socket.once('connect', () => {
      connected = true;
      if (!check) return settle();
      socket.write(check.greeting);
      socket.once('data', (firstBytes: Buffer) => {
        const mismatch = check.judge(firstBytes);
        settle(mismatch === undefined ? undefined : new SetupError(mismatch, 'ERR_PROTOCOL_MISMATCH'));
      });
      socket.once('close', () => settle());
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (connected) return settle();
      const reason = error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message);
      settle(new SetupError(`cannot reach ${address}:${port}: ${reason}`, 'ERR_TARGET_UNREACHABLE'));
    });
  });
}

const HTTP2_FRAME_HEADER_BYTES = 9;
const HTTP2_SETTINGS = 0x04;
const HTTP2_GOAWAY = 0x07;

/**
 * For http:// targets: an OPTIONS * request in HTTP/1.1. An HTTP/2-only (h2c) server answers it with its
 * connection preface, a SETTINGS frame (or a GOAWAY) on stream 0, and closes: every request of the run
 * would fail as `closed`, so the run does not start.
 */
export function http1Check(url: URL): ProtocolCheck {
  return {
    // OPTIONS * is about the server, not a resource: no page is asked for, so none with a side effect or a slow answer.
    greeting: Buffer.from(`OPTIONS * HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`, 'latin1'),
    judge(firstBytes) {
      const frameType = firstBytes[3];
      const looksLikeHttp2 =
        firstBytes.length >= HTTP2_FRAME_HEADER_BYTES && (frameType === HTTP2_SETTINGS || frameType === HTTP2_GOAWAY) && firstBytes.readUInt32BE(5) === 0;
      if (!looksLikeHttp2) return undefined;
      // URL's protocol setter cannot turn http: (a special scheme) into h2c:, so the URL is written out.
      const h2c = `h2c://${url.host}${url.pathname}${url.search}`;
      return `${url.host} answered an HTTP/1.1 request in HTTP/2: it looks like an HTTP/2-only (h2c) server, a protocol mismatch; use ${h2c}`;
    },
  };
}
