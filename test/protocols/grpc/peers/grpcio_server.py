"""A Python grpcio server for salvo's gRPC client, without generated code: salvo.test.Echo/Say echoes the
request's bytes, or fails with the status named in the x-status metadata.

Usage: grpcio_server.py. Prints "listening on PORT", then serves until it is stopped.
"""
import sys
from concurrent import futures

import grpc


def say(request, context):
    status = dict(context.invocation_metadata()).get("x-status")
    if status is not None:
        context.abort(grpc.StatusCode[status], "as asked")
    return request


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    handler = grpc.method_handlers_generic_handler("salvo.test.Echo", {"Say": grpc.unary_unary_rpc_method_handler(say)})
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"listening on {port}", flush=True)
    # Ends with the test: stdin is its pipe, closed when the test ends or dies.
    sys.stdin.read()
    server.stop(0)


main()
