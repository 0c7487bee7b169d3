import protobuf from 'protobufjs';
import { GrpcCallError } from './call-error.js';
import { frameMessage } from './frame.js';
import { scalarRangeProblem } from './scalar-range.js';
import { compileTemplate, TemplateError, type Template } from '../../plan/template.js';

/**
 * The framed request message of each call, from JSON data with template slots. Constant data is
 * encoded once and the same buffer sent every time; templated data is rendered, parsed and encoded
 * per call. A first rendering is checked against the message type, so data that cannot fit fails
 * before the run rather than on every request.
 */
export function messageSource(type: protobuf.Type, data: string): () => Buffer {
  const template = compiled(data);
  const encode = (text: string): Buffer => frameMessage(type.encode(type.fromObject(JSON.parse(text) as Record<string, unknown>)).finish());
  if (template.constant !== undefined) {
    checkData(type, data);
    const framed = encode(data);
    return () => framed;
  }
  // The open model has no user: only seq and the random helpers have values.
  checkData(type, rendered(template, { seq: 1, random: Math.random }));
  const scope = { seq: 0, random: Math.random };
  return () => {
    scope.seq++;
    return encode(template.render(scope));
  };
}

function compiled(data: string): Template {
  try {
    return compileTemplate(data);
  } catch (error) {
    if (error instanceof TemplateError) throw new GrpcCallError(`data: ${error.message}`);
    throw error;
  }
}

/** A first rendering, checked before the run: a placeholder with no value here (user.id) is an error now, not on every call. */
function rendered(template: Template, scope: { seq: number; random: () => number }): string {
  try {
    return template.render(scope);
  } catch (error) {
    if (error instanceof TemplateError) throw new GrpcCallError(`data: ${error.message}`);
    throw error;
  }
}

function checkData(type: protobuf.Type, text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GrpcCallError(`data is not JSON: ${(error as Error).message}`);
  }
  const problem = problemOf(type, value, 'data');
  if (problem !== undefined) throw new GrpcCallError(`data does not fit ${type.fullName.slice(1)}: ${problem}`);
}

/** protobufjs's verify ignores fields the type lacks; a misspelt field silently sending its default is worse than an error. */
function problemOf(type: protobuf.Type, value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path} must be a JSON object`;
  for (const [name, field] of Object.entries(value)) {
    const spec = type.fields[name];
    if (spec === undefined) return `${path} has no field "${name}" (fields: ${Object.keys(type.fields).join(', ') || 'none'})`;
    if (spec.resolvedType === null && !spec.map) {
      const items: unknown[] = spec.repeated && Array.isArray(field) ? field : [field];
      const outOfRange = items.map((item) => scalarRangeProblem(spec.type, item)).find((problem) => problem !== undefined);
      if (outOfRange !== undefined) return `${path}.${name}: ${outOfRange}`;
    }
    if (!(spec.resolvedType instanceof protobuf.Type) || spec.map || field === null) continue;
    const items: unknown[] = spec.repeated && Array.isArray(field) ? field : [field];
    for (const item of items) {
      const nested = problemOf(spec.resolvedType, item, `${path}.${name}`);
      if (nested !== undefined) return nested;
    }
  }
  const problem = type.verify(value as Record<string, unknown>);
  return problem === null ? undefined : `${path}: ${problem}`;
}
