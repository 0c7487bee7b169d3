export { startWorkers, runWorkers, workerCount, type WorkersOptions } from './start-workers.js';
