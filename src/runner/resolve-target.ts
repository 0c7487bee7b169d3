import { readFile } from 'node:fs/promises';
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import type { Target } from '../plan/schema.js';
import { loadMethod, messageSource } from '../protocols/grpc/index.js';
import { checkCaBundle } from '../protocols/tls/ca-bundle.js';
import type { GrpcCall, ResolvedTarget } from '../protocols/resolved-target.js';
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
      : target.body !== undefined
        ? Buffer.from(target.body, 'utf8')
        : undefined;
  const ca = target.caFile !== undefined ? await readSetupFile('CA file', target.caFile) : undefined;
  if (ca !== undefined) checkCaBundle(ca, target.caFile!);
  const grpc = url.protocol === 'grpc:' ? grpcCall(target) : undefined;
  return { address, port, body, hostname, ...(ca !== undefined ? { ca } : {}), ...(grpc !== undefined ? { grpc } : {}) };
}

function grpcCall({ proto, call, data }: Target): GrpcCall {
  // The plan schema requires proto and call for grpc://.
  const method = loadMethod(proto!, call!);
  return { path: method.path, nextMessage: messageSource(method.requestType, data ?? '{}') };
}

/** Reads a file the run needs before it starts; failing to is a SetupError naming the file. */
async function readSetupFile(what: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new SetupError(`cannot read ${what} "${path}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'ERR_FILE_UNREADABLE');
  }
}

/** Opens and closes one connection, so a run against a target that is not there fails before it starts. */
export async function probeTarget(address: string, port: number, timeoutMs = 3000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SetupError(`cannot reach ${address}:${port}: no answer within ${timeoutMs} ms`, 'ERR_TARGET_UNREACHABLE'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message);
      reject(new SetupError(`cannot reach ${address}:${port}: ${reason}`, 'ERR_TARGET_UNREACHABLE'));
    });
  });
}
