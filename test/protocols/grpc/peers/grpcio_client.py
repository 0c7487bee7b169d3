"""A Python grpcio client for salvo's grpc-worker, without generated code: messages are encoded by hand.

Usage: grpcio_client.py HOST:PORT CALLS. Prints one JSON line with what it saw.
"""
import json
import struct
import sys

import grpc


def spin_request(ms):
    # SpinRequest { uint32 ms = 1; }: field 1, varint.
    varint = bytearray()
    while True:
        byte = ms & 0x7F
        ms >>= 7
        varint.append(byte | (0x80 if ms else 0))
        if not ms:
            return b"\x08" + bytes(varint)


def service_ms(reply):
    # SpinReply { double service_ms = 1; }: field 1, 64-bit; proto3 leaves out a zero.
    return struct.unpack("<d", reply[1:9])[0] if reply[:1] == b"\x09" else 0.0


def main():
    target, calls = sys.argv[1], int(sys.argv[2])
    with grpc.insecure_channel(target) as channel:
        spin = channel.unary_unary("/salvo.worker.Worker/Spin")
        seen = {"ok": 0, "serviceMs": [], "serverTiming": []}
        for _ in range(calls):
            reply, call = spin.with_call(spin_request(2), timeout=10)
            seen["ok"] += call.code() == grpc.StatusCode.OK
            seen["serviceMs"].append(service_ms(reply))
            seen["serverTiming"].append(dict(call.trailing_metadata()).get("server-timing"))
        for name, method, request in (("tooLong", "/salvo.worker.Worker/Spin", spin_request(60001)), ("unknown", "/salvo.worker.Worker/Nope", b"")):
            try:
                channel.unary_unary(method)(request, timeout=10)
                seen[name] = "OK"
            except grpc.RpcError as error:
                seen[name] = error.code().name
    print(json.dumps(seen))


main()
