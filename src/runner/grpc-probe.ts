import { connect } from 'node:http2';
import { SetupError } from './setup-error.js';

const GRPC_UNIMPLEMENTED = 12;
/** An empty message, framed: every field at its default, so the check asks the server for as little work as a call can. */
const EMPTY_FRAMED_MESSAGE = Buffer.alloc(5);

/**
 * One call of the method with an empty message before a grpc:// run: a server that does not serve it
 * answers UNIMPLEMENTED (a wrong service or method for this server), which would fail every call of
 * the run, so the run does not start. Any other answer, or none within `timeoutMs`, passes: the run
 * will measure it.
 */
export async function probeGrpcMethod(address: string, port: number, path: string, timeoutMs = 3000): Promise<void> {
  const session = connect(`http://${address.includes(':') ? `[${address}]` : address}:${port}`);
  session.on('error', () => {});
  try {
    const status = await new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
      const settle = (headers: Record<string, unknown>): void => {
        const value = headers['grpc-status'];
        if (value === undefined) return;
        clearTimeout(timer);
        resolve(Number(value));
      };
      stream.on('response', settle);
      stream.on('trailers', settle);
      stream.on('error', () => resolve(undefined));
      stream.on('close', () => resolve(undefined));
      stream.resume();
      stream.end(EMPTY_FRAMED_MESSAGE);
    });
    if (status === GRPC_UNIMPLEMENTED) {
      throw new SetupError(
        `${address}:${port} does not serve ${path.slice(1)}: UNIMPLEMENTED (a wrong service or method for this server, or another .proto)`,
        'ERR_GRPC_CALL',
      );
    }
  } finally {
    session.destroy();
  }
}
