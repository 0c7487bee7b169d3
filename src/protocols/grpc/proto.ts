import protobuf from 'protobufjs';
import { GrpcCallError } from './call-error.js';

export interface GrpcMethod {
  /** The call's HTTP/2 :path: /package.Service/Method. */
  path: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
}

/** `call` is "package.Service/Method", as in the :path without its first slash (and as grpcurl writes it). */
export function loadMethod(protoFile: string, call: string): GrpcMethod {
  let root: protobuf.Root;
  try {
    root = new protobuf.Root().loadSync(protoFile);
    root.resolveAll(); // an unknown type fails here, not on the first call
  } catch (error) {
    throw new GrpcCallError(`cannot load proto "${protoFile}": ${firstLine(error)}`);
  }
  const slash = call.lastIndexOf('/');
  const serviceName = call.slice(0, slash);
  const methodName = call.slice(slash + 1);
  const service = root.lookup(serviceName);
  if (!(service instanceof protobuf.Service)) {
    throw new GrpcCallError(`no service "${serviceName}" in ${protoFile} (services: ${servicesOf(root).join(', ') || 'none'})`);
  }
  const method = service.methods[methodName];
  if (method === undefined) {
    throw new GrpcCallError(`no method "${methodName}" in ${serviceName} (methods: ${Object.keys(service.methods).join(', ') || 'none'})`);
  }
  if (method.requestStream === true || method.responseStream === true) throw new GrpcCallError(`${call} is a streaming method: salvo calls unary methods only`);
  return { path: `/${service.fullName.slice(1)}/${method.name}`, requestType: method.resolvedRequestType!, responseType: method.resolvedResponseType! };
}

function servicesOf(namespace: protobuf.NamespaceBase): string[] {
  return namespace.nestedArray.flatMap((nested) =>
    nested instanceof protobuf.Service ? [nested.fullName.slice(1)] : nested instanceof protobuf.Namespace ? servicesOf(nested) : [],
  );
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
