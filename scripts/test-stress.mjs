// `npm run test:stress`: the whole suite while busy loops keep every core busy, to show it passes on a
// loaded machine. The hogs end with the suite, on Ctrl-C, or after HOG_SECONDS, whichever comes first.
// usage: node scripts/test-stress.mjs [test-file substrings...]
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { startCpuHogs } from './cpu-hogs.mjs';

const HOG_SECONDS = 3600;
const hogs = startCpuHogs(availableParallelism(), HOG_SECONDS);
console.log(`${hogs.pids.length} CPU hogs running (pids ${hogs.pids.join(', ')})`);
const suite = spawn(process.execPath, ['scripts/run-tests.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    hogs.stop();
    suite.kill(signal);
  });
}
suite.on('exit', (status) => {
  hogs.stop();
  process.exit(status ?? 1);
});
