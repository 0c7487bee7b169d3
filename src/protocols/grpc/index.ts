export { GrpcCallError } from './call-error.js';
export { grpcDialect, type GrpcDialectOptions } from './dialect.js';
export { frameMessage, unframeMessage } from './frame.js';
export { messageSource } from './message.js';
export { loadMethod, type GrpcMethod } from './proto.js';
export { replyServiceReader, SERVICE_FIELD, type ReplyServiceUs } from './service-field.js';
