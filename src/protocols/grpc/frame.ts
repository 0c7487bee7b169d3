/** gRPC's message framing on HTTP/2: a compressed flag (0: not), the length as uint32 big-endian, the message. */
const PREFIX_BYTES = 5;

export function frameMessage(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  framed[0] = 0;
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, PREFIX_BYTES);
  return framed;
}

/** The one uncompressed message of a unary call's body; undefined when the body is not exactly that. */
export function unframeMessage(body: Buffer): Buffer | undefined {
  if (body.length < PREFIX_BYTES || body[0] !== 0) return undefined;
  const length = body.readUInt32BE(1);
  return body.length === PREFIX_BYTES + length ? body.subarray(PREFIX_BYTES) : undefined;
}
