/**
 * The values each protobuf scalar can hold. protobufjs's verify checks only that an integer field
 * holds an integer, and its encoder then wraps or truncates: `{"ms": -5}` for a uint32 would send
 * 4294967291. A value outside its field's range is refused before the run instead.
 */
const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = (() => {
  const signed32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
  const unsigned32 = [0n, 2n ** 32n - 1n] as const;
  const signed64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;
  const unsigned64 = [0n, 2n ** 64n - 1n] as const;
  return {
    int32: signed32,
    sint32: signed32,
    sfixed32: signed32,
    uint32: unsigned32,
    fixed32: unsigned32,
    int64: signed64,
    sint64: signed64,
    sfixed64: signed64,
    uint64: unsigned64,
    fixed64: unsigned64,
  };
})();
/** The largest finite float32. */
const FLOAT_MAX = 3.4028234663852886e38;

/** Why `value` does not fit a field of protobuf scalar type `fieldType`, or undefined when it does (or is not a number to judge). */
export function scalarRangeProblem(fieldType: string, value: unknown): string | undefined {
  if (fieldType === 'float' && typeof value === 'number' && Number.isFinite(value) && Math.abs(value) > FLOAT_MAX) {
    return `${value} is beyond the range of a float (±${FLOAT_MAX})`;
  }
  const range = INTEGER_RANGES[fieldType];
  if (range === undefined) return undefined;
  // A fraction or a non-number is protobufjs's verify's to refuse.
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  const integer = BigInt(value);
  const [min, max] = range;
  return integer < min || integer > max ? `${String(value)} is outside the range of a ${fieldType} (${min} to ${max})` : undefined;
}
