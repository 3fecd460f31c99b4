import { TesseraError } from '@tessera/core';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

export const MAX_BODY_BYTES = 16 * 1024;

type FieldType = 'string' | 'boolean' | 'object' | 'string[]';
/** `maxLength` limits a string's characters, or an array's items. */
export type FieldSpec = Record<string, { type: FieldType; required?: boolean; maxLength?: number; oneOf?: readonly string[] }>;
type Value<T extends FieldType> = T extends 'boolean'
  ? boolean
  : T extends 'object'
    ? Record<string, unknown>
    : T extends 'string[]'
      ? string[]
      : string;
type Parsed<S extends FieldSpec> = { [K in keyof S]?: Value<S[K]['type']> };

/**
 * Reads a JSON object body and checks it against a field list: wrong types, missing required fields and unknown
 * fields are refused (a `roles` field in a signup is an error, never silently dropped). An empty body with no
 * content type counts as `{}` (a cookie refresh or logout carries nothing).
 */
export async function readJsonBody<S extends FieldSpec>(request: Request, spec: S): Promise<Parsed<S>> {
  const value = await readJsonValue(request);
  if (value === undefined) return checkFields({}, spec);
  if (!isJsonObject(value)) throw new TesseraError('invalid_request', 'The body must be a JSON object.');
  return checkFields(value, spec);
}

/**
 * The parsed JSON body of any shape, or `undefined` for an empty body without a content type. Only
 * `application/json` is accepted, so an HTML form on another site cannot post here; the size and the nesting
 * are limited before parsing.
 */
export async function readJsonValue(request: Request): Promise<unknown> {
  const contentType = request.headers.get('content-type');
  const raw = await readLimitedText(request);
  if (contentType === null && raw === '') return undefined;
  if (contentType === null || !/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new TesseraError('unsupported_media_type', 'Send the body as application/json.');
  }
  if (nestsDeeperThan(raw)) throw new TesseraError('invalid_request', `The body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  try {
    return raw === '' ? {} : (JSON.parse(raw) as unknown);
  } catch {
    throw new TesseraError('invalid_request', 'The body is not valid JSON.');
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readLimitedText(request: Request): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    // Counted while streaming, so a chunked body without Content-Length cannot make us buffer megabytes.
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return UTF8.decode(Buffer.concat(chunks));
  } catch {
    throw new TesseraError('invalid_request', 'The body is not valid UTF-8.');
  }
}

/**
 * Fatal, not lenient: a lenient decoder turns every invalid byte into U+FFFD, so an account created with one set
 * of invalid bytes in its email and password could be logged into with any other.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function tooLarge(): TesseraError {
  return new TesseraError('invalid_request', `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
}

/** Checks already parsed fields (a JSON body, GraphQL arguments) against a field list; see readJsonBody. */
export function checkFields<S extends FieldSpec>(body: Record<string, unknown>, spec: S): Parsed<S> {
  for (const name of Object.keys(body)) {
    if (!Object.hasOwn(spec, name)) throw new TesseraError('invalid_request', `Unknown field "${name.slice(0, 40)}".`);
  }
  const result: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const value = body[name];
    if (value === undefined || (value === null && !field.required)) {
      if (field.required) throw new TesseraError('invalid_request', `The field "${name}" is required.`);
      continue;
    }
    if (!hasType(value, field.type)) throw new TesseraError('invalid_request', `The field "${name}" must be ${describeType(field.type)}.`);
    if (Array.isArray(value) && field.maxLength !== undefined && value.length > field.maxLength) {
      throw new TesseraError('invalid_request', `The field "${name}" has more than ${field.maxLength} items.`);
    }
    if (typeof value === 'string') {
      if (field.maxLength !== undefined && value.length > field.maxLength) {
        throw new TesseraError('invalid_request', `The field "${name}" is too long.`);
      }
      if (field.oneOf && !field.oneOf.includes(value)) {
        throw new TesseraError('invalid_request', `The field "${name}" must be one of ${field.oneOf.join(', ')}.`);
      }
    }
    result[name] = value;
  }
  return result as Parsed<S>;
}

function hasType(value: unknown, type: FieldType): boolean {
  if (type === 'object') return isJsonObject(value);
  if (type === 'string[]') return Array.isArray(value) && value.every((item) => typeof item === 'string');
  return typeof value === type;
}

function describeType(type: FieldType): string {
  return type === 'object' ? 'an object' : type === 'string[]' ? 'an array of strings' : `a ${type}`;
}
