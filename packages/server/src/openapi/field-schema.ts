import type { FieldSpec } from '../http/json-body.js';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * The JSON Schema of a request body that `readJsonBody` / `checkFields` accept for `spec`, so the document is
 * derived from the very rules that validate the request and cannot drift from them: unknown fields are refused
 * (`additionalProperties: false`), required fields must be present and not null, an optional field may be null
 * (read as absent), strings have their length limit and value list. (JSON Schema counts `maxLength` in code points,
 * the server in UTF-16 units: a string of astral characters can fit the schema and still be refused as too long.)
 */
export function fieldsToJsonSchema(spec: FieldSpec): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(spec)) {
    const type = field.type === 'string[]' ? 'array' : field.type;
    const schema: JsonSchema = { type: field.required ? type : [type, 'null'] };
    if (field.type === 'string[]') {
      schema.items = { type: 'string' };
      // For a list, the spec's maxLength is its item limit.
      if (field.maxLength !== undefined) schema.maxItems = field.maxLength;
    } else if (field.maxLength !== undefined) schema.maxLength = field.maxLength;
    if (field.oneOf) schema.enum = field.required ? [...field.oneOf] : [...field.oneOf, null];
    properties[name] = schema;
    if (field.required) required.push(name);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}
