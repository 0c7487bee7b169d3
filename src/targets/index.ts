export { startHttpTarget, type HttpTargetOptions, type RunningTarget } from './http-server.js';
export { startTargetProcess, type TargetProcess } from './target-process.js';
