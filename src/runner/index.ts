export { run, startRun, type RunHandle, type LocalRunHandle, type RunOptions, type ExchangeObserver } from './run.js';
export { resolveTarget, probeTarget } from './resolve-target.js';
export { SetupError } from './setup-error.js';
