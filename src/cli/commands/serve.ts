import { Command } from 'commander';
import { startHttpTarget } from '../../targets/http-server.js';
import { parsePort } from '../units.js';

/** Keeps a target up until SIGINT or SIGTERM, then closes it. */
async function serveUntilSignal(close: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await close();
}

export function serveCommand(): Command {
  const serve = new Command('serve').description('run a built-in target to send load to');
  serve
    .command('http')
    .description('HTTP/1.1 target: / (hello), /echo, /delay/:ms, /status/:code, /spin/:ms, /bytes/:n; every answer carries Server-Timing')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to bind; 0 picks a free one', parsePort, 8080)
    .action(async (flags: { host: string; port: number }) => {
      const target = await startHttpTarget({ host: flags.host, port: flags.port });
      process.stdout.write(`salvo http target listening on ${target.url}\n`);
      await serveUntilSignal(() => target.close());
    });
  return serve;
}
