import { Command } from 'commander';
import { startHttpTarget } from '../../targets/http-server.js';
import { parsePort } from '../units.js';

/** Keeps a target up until SIGINT or SIGTERM (or, when a salvo process started it, until that process is gone), then closes it. */
async function serveUntilSignal(close: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (process.connected) process.once('disconnect', stop);
  });
  await close();
  if (process.connected) process.disconnect(); // lets the process exit when a parent still holds the channel
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
