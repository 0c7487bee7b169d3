export { startWorkers, runWorkers, workerCount, type WorkersOptions } from './start-workers.js';
export { SecondsJoiner } from './seconds-joiner.js';
