// The OpenAPI 3.0 document served at /openapi.json.

import { EVENT_NAMES, STATE_NAMES } from './protocol.js';

const detail = { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } } };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const validationError = {
  type: 'object',
  required: ['loc', 'msg', 'type'],
  properties: {
    loc: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
    msg: { type: 'string' },
    type: { type: 'string' },
    ctx: { type: 'object' },
  },
};

/** `strict`: the document of --strict, whose answers differ (see strict-dialect.ts). */
export function openApiDocument(apps: number, version: string, strict: boolean): unknown {
  return {
    openapi: '3.0.3',
    info: {
      title: 'salvo servo-fleet emulator',
      version,
      description: strict
        ? `Emulates ${apps} optimizer backends (app00000..app${String(apps - 1).padStart(5, '0')}), each a strict state machine over the servo protocol, with salvo's own validation (--strict).`
        : `Emulates optimizer backends as Voracious does: any application registers with HELLO; app00000..app${String(apps - 1).padStart(5, '0')} are listed.`,
    },
    paths: {
      '/accounts/{account}/applications/{app}/servo': {
        post: {
          operationId: 'servoEvent',
          summary: 'Send one servo event',
          parameters: [
            { name: 'account', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'app', in: 'path', required: true, schema: strict ? { type: 'string', pattern: '^app[0-9]{5}$' } : { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ServoEvent' } } } },
          responses: {
            '200': {
              description: `Accepted: {"status": "ok"${strict ? '' : ', "message": null'}} for a notification, a command for WHATS_NEXT`,
              content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/Status' }, { $ref: '#/components/schemas/Command' }] } } },
            },
            ...(strict
              ? {
                  '400': errorResponse('Malformed body, missing event, or an event the state machine rejects (state unchanged)'),
                  '404': errorResponse('No such application'),
                }
              : {
                  '400': errorResponse(
                    'An event other than HELLO for an application never registered, an event the state machine rejects (state unchanged), or a body that is not UTF-8',
                  ),
                  '422': {
                    description: 'Body that is not JSON or not a ServoEvent',
                    content: {
                      'application/json': {
                        schema: { type: 'object', properties: { detail: { type: 'array', items: { $ref: '#/components/schemas/ValidationError' } } } },
                      },
                    },
                  },
                }),
            '413': errorResponse('Body too large'),
          },
        },
      },
      '/accounts/{account}/application-overrides': {
        get: {
          operationId: 'applicationOverrides',
          summary: 'List the applications',
          parameters: [{ name: 'account', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'Every application by name',
              content: { 'application/json': { schema: { type: 'object', additionalProperties: { $ref: '#/components/schemas/Override' } } } },
            },
          },
        },
      },
      '/': {
        get: {
          operationId: 'statistics',
          summary: 'Statistics over the measure/adjust cycle counts of every application seen',
          responses: { '200': { description: 'Statistics', content: { 'application/json': { schema: { $ref: '#/components/schemas/Statistics' } } } } },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus text exposition: requests by event and status, sequence errors, cycles',
          responses: { '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/docs': {
        get: {
          operationId: 'swaggerUi',
          summary: 'Swagger UI over this document',
          responses: { '200': { description: 'HTML page', content: { 'text/html': {} } } },
        },
      },
      '/redoc': {
        get: { operationId: 'redoc', summary: 'ReDoc over this document', responses: { '200': { description: 'HTML page', content: { 'text/html': {} } } } },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3 document', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      schemas: {
        ServoEvent: {
          type: 'object',
          required: ['event'],
          properties: {
            event: strict ? { type: 'string', enum: [...EVENT_NAMES] } : { type: 'string', description: `One of ${EVENT_NAMES.join(', ')}` },
            param: {
              type: 'object',
              nullable: true,
              properties: {
                progress: strict
                  ? { type: 'integer', minimum: 0, maximum: 100, description: 'MEASUREMENT/ADJUSTMENT: present on a progress report, absent on the final one' }
                  : {
                      description:
                        'MEASUREMENT/ADJUSTMENT: present on a progress report, absent on the final one; read with Python\'s int(), so "50" and 10.5 count, "abc" is no progress',
                    },
              },
              additionalProperties: true,
            },
          },
        },
        Status: {
          type: 'object',
          required: ['status'],
          properties: strict
            ? { status: { type: 'string', enum: ['ok'] } }
            : { status: { type: 'string', enum: ['ok'] }, message: { type: 'string', nullable: true } },
        },
        Command: {
          type: 'object',
          required: ['cmd', 'param'],
          properties: { cmd: { type: 'string', enum: ['DESCRIBE', 'MEASURE', 'ADJUST', 'SLEEP'] }, param: { type: 'object', additionalProperties: true } },
        },
        Override: {
          type: 'object',
          properties: { mode: { type: 'string', nullable: true }, mode_limit: { type: 'string', nullable: true }, state: { type: 'string', enum: ['active'] } },
        },
        Statistics: {
          type: 'object',
          required: ['n'],
          properties: {
            n: { type: 'integer' },
            average: { type: 'number', nullable: true },
            min: { type: 'integer', nullable: true },
            max: { type: 'integer', nullable: true },
          },
        },
        ValidationError: validationError,
        Error: { ...detail, description: `States: ${STATE_NAMES.join(', ')}` },
      },
    },
  };
}
