export { startHttpTarget, type HttpTargetOptions, type RunningTarget } from './http-server.js';
export { startTargetProcess, type TargetProcess } from './target-process.js';
export { startServoFleet, type RunningServoFleet, type ServoFleetOptions } from './servo-fleet/index.js';
export { startTcpEchoTarget, type TcpEchoTargetOptions } from './tcp-echo.js';
export { selfSignedCertificate, type Certificate } from './tls.js';
export { startGrpcWorker, WORKER_CALL, WORKER_PROTO, type GrpcWorkerOptions } from './grpc-worker.js';
