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
  // The open model has no user: only seq and the random helpers have values.
  const first = checkData(type, template.constant ?? rendered(template, { seq: 1, random: Math.random }));
  // Names are settled on the first rendering: placeholders fill values, not field names, so later calls skip the walk when it renamed nothing.
  const rename = first.renamed;
  const encode = (text: string): Buffer => {
    const value = JSON.parse(text) as Record<string, unknown>;
    return frameMessage(type.encode(type.fromObject(rename ? (withFieldNames(type, value).value as Record<string, unknown>) : value)).finish());
  };
  if (template.constant !== undefined) {
    const framed = encode(data);
    return () => framed;
  }
  const scope = { seq: 0, random: Math.random };
  return () => {
    scope.seq++;
    return encode(template.render(scope));
  };
}

/**
 * The message with each field named as protobufjs names it (lowerCamelCase): proto3's JSON mapping
 * accepts a field's name as declared (`duration_seconds`) or in lowerCamelCase (`durationSeconds`).
 * Names the type does not know are kept, for the check to refuse.
 */
function withFieldNames(type: protobuf.Type, value: unknown): { value: unknown; renamed: boolean } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { value, renamed: false };
  let renamed = false;
  const entries = Object.entries(value).map(([name, field]) => {
    const camel = protobuf.util.camelCase(name);
    const known = type.fields[name] !== undefined ? name : type.fields[camel] !== undefined ? camel : name;
    if (known !== name) renamed = true;
    const spec = type.fields[known];
    if (spec === undefined || spec.map || !(spec.resolvedType instanceof protobuf.Type)) return [known, field];
    const nestedType = spec.resolvedType;
    const inner = spec.repeated && Array.isArray(field) ? field.map((item) => withFieldNames(nestedType, item)) : [withFieldNames(nestedType, field)];
    if (inner.some((item) => item.renamed)) renamed = true;
    return [known, spec.repeated && Array.isArray(field) ? inner.map((item) => item.value) : inner[0]!.value];
  });
  return { value: Object.fromEntries(entries), renamed };
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

/** Checks one rendering of the data against the type; says whether a field had to be renamed to the type's own name. */
function checkData(type: protobuf.Type, text: string): { renamed: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GrpcCallError(`data is not JSON: ${(error as Error).message}`);
  }
  const { value, renamed } = withFieldNames(type, parsed);
  const problem = problemOf(type, value, 'data');
  if (problem !== undefined) throw new GrpcCallError(`data does not fit ${type.fullName.slice(1)}: ${problem}`);
  return { renamed };
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
