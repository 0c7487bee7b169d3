// A servo event's body read as the original emulator reads it: FastAPI 0.61 parses any body as
// JSON (whatever its Content-Type), pydantic 1.6 validates it into ServoEvent {event: str,
// param: Optional[Dict]}, and voracious.py takes int(param["progress"]) when it can. Errors
// answer as they do there: 400 for a body that is not UTF-8, 422 with pydantic's `detail` list.
//
// The hot path is JSON.parse of a well-formed event; anything else (bad JSON, NaN, an event
// that is not a string, a body that is a list of pairs...) goes through a parser and validator
// that follow Python's rules, so the answer is the original's to the character.

import { isUtf8 } from 'node:buffer';
import { JsonDecodeError, lineAndColumn, pyJsonLoads } from './python/json-decode.js';
import { NO_PROGRESS } from './fleet.js';
import { type PyDict, numberStr, pyDict, pyInt, repr, strRepr, type PyValue } from './python/values.js';

export interface ServoEventBody {
  event: string;
  /** int(param["progress"]), or NO_PROGRESS where Python's int() raises or there is none. */
  progress: number;
  /** The body as text (without a BOM), for describeEvent. */
  text: string;
}

export interface ErrorAnswer {
  status: number;
  body: string;
}

interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

const PARSE_ERROR: ErrorAnswer = { status: 400, body: JSON.stringify({ detail: 'There was an error parsing the body' }) };
const missing = (loc: string[]): FieldError => ({ loc, msg: 'field required', type: 'value_error.missing' });
const notADict = (loc: string[]): FieldError => ({ loc, msg: 'value is not a valid dict', type: 'type_error.dict' });
const unprocessable = (errors: FieldError[]): ErrorAnswer => ({ status: 422, body: JSON.stringify({ detail: errors }) });

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** int() of a JSON.parse value, as pyInt does for Python values. */
function progressOfParsed(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : NO_PROGRESS;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const parsed = pyInt(value);
    return parsed === undefined ? NO_PROGRESS : Number(parsed);
  }
  return NO_PROGRESS;
}

/** What the Python-faithful path makes of a body: the answer to give, or the validated fields. */
type SlowResult = ErrorAnswer | { event: string; param: PyDict | null };

/** The whole Python-faithful path: parse, validate. */
function validateSlowly(text: string, empty: boolean): SlowResult {
  let value: PyValue;
  if (empty) return unprocessable([missing(['body'])]);
  try {
    value = pyJsonLoads(text);
  } catch (error) {
    if (!(error instanceof JsonDecodeError)) throw error;
    const { lineno, colno } = lineAndColumn(text, error.pos);
    const msg = `${error.msg}: line ${lineno} column ${colno} (char ${error.pos})`;
    return unprocessable([
      { loc: ['body', error.pos], msg, type: 'value_error.jsondecode', ctx: { msg: error.msg, doc: text, pos: error.pos, lineno, colno } },
    ]);
  }
  if (value === null) return unprocessable([missing(['body'])]);
  const fields = pyDict(value);
  if (fields === undefined) return unprocessable([notADict(['body'])]);
  if (fields.entries.some(([key]) => typeof key !== 'string'))
    return unprocessable([{ loc: ['body'], msg: '__init__() keywords must be strings', type: 'type_error' }]);

  const errors: FieldError[] = [];
  const eventValue = fields.get('event');
  let event = '';
  if (eventValue === undefined) errors.push(missing(['body', 'event']));
  else if (eventValue === null) errors.push({ loc: ['body', 'event'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' });
  else if (typeof eventValue === 'string') event = eventValue;
  else {
    const coerced = numberStr(eventValue);
    if (coerced === undefined) errors.push({ loc: ['body', 'event'], msg: 'str type expected', type: 'type_error.str' });
    else event = coerced;
  }
  const paramValue = fields.get('param');
  let param: PyDict | null = null;
  if (paramValue !== undefined && paramValue !== null) {
    const dict = pyDict(paramValue);
    if (dict === undefined) errors.push(notADict(['body', 'param']));
    else param = dict;
  }
  if (errors.length > 0) return unprocessable(errors);
  return { event, param };
}

/** str(ServoEvent) of a body decodeVoraciousBody accepted, as pydantic prints it: "event='HELLO' param=None". */
export function describeEvent(body: ServoEventBody): string {
  const fields = validateSlowly(body.text, false) as { event: string; param: PyDict | null };
  return `event=${strRepr(fields.event)} param=${fields.param === null ? 'None' : repr(fields.param)}`;
}

const UTF8_BOM = 0xfeff;

/** One result, reused: the server uses it synchronously before reading the next body. */
const decoded: ServoEventBody = { event: '', progress: NO_PROGRESS, text: '' };

function accepted(event: string, progress: number, text: string): ServoEventBody {
  decoded.event = event;
  decoded.progress = progress;
  decoded.text = text;
  return decoded;
}

/** Reads a body; the result is valid until the next call. */
export function decodeVoraciousBody(body: Buffer): ServoEventBody | ErrorAnswer {
  if (!isUtf8(body)) return PARSE_ERROR;
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === UTF8_BOM) text = text.slice(1); // json.loads(bytes) reads a BOM as utf-8-sig
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isPlainObject(parsed) && typeof parsed.event === 'string') {
    const param = parsed.param;
    if (param === undefined || param === null) return accepted(parsed.event, NO_PROGRESS, text);
    if (isPlainObject(param)) return accepted(parsed.event, progressOfParsed(param.progress), text);
  }
  const slow = validateSlowly(text, body.length === 0);
  if ('status' in slow) return slow;
  const progress = slow.param === null ? undefined : pyInt(slow.param.get('progress'));
  return accepted(slow.event, progress === undefined ? NO_PROGRESS : Number(progress), text);
}

export function isErrorAnswer(decoded: ServoEventBody | ErrorAnswer): decoded is ErrorAnswer {
  return 'status' in decoded;
}
