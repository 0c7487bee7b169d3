import { fileURLToPath } from 'node:url';

/** The test service's .proto, read from the source tree (tsc copies no .proto into dist). */
export const ECHO_PROTO = fileURLToPath(new URL('../../../../test/protocols/grpc/echo.proto', import.meta.url));
export const ECHO_CALL = 'salvo.test.Echo/Say';
