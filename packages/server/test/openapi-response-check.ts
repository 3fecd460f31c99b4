// Test-only: checks every response a test sees against the OpenAPI document the app serves (status, media type,
// JSON body, required headers), so a response the document does not describe fails the test that made it.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../src/openapi/field-schema.js';

type Document = { paths: Record<string, Record<string, JsonSchema>>; components: JsonSchema };
export type ResponseCheck = (method: string, pathname: string, response: Response) => Promise<void>;

// ajv-formats is CommonJS: under ESM its function is the default export's default.
type AddFormats = (ajv: Ajv2020) => unknown;
const formats = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formats.default ?? formats;

/** One checker per distinct document (they differ only by issuer), shared by every app that serves it. */
const checkers = new Map<string, ResponseCheck>();

/** The checker for the document `fetchDocument` returns (the app's own `GET /openapi.json`). */
export async function responseCheckFor(fetchDocument: () => Response | Promise<Response>): Promise<ResponseCheck> {
  const response = await fetchDocument();
  if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
  const text = await response.text();
  let checker = checkers.get(text);
  if (!checker) {
    checker = createResponseCheck(JSON.parse(text) as Document);
    checkers.set(text, checker);
  }
  return checker;
}

export function createResponseCheck(document: Document): ResponseCheck {
  // strictSchema: a misspelt keyword or an unknown format in the document is an error, not a silent pass.
  const ajv = new Ajv2020({ strict: false, strictSchema: true, allErrors: true });
  ajv.addVocabulary(['components']);
  addFormats(ajv);
  const validators = new Map<string, ValidateFunction>();
  const operations = Object.entries(document.paths).map(([template, item]) => ({
    pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
    template,
    item,
  }));
  const validatorFor = (key: string, schema: JsonSchema): ValidateFunction => {
    let validate = validators.get(key);
    if (!validate) {
      // The components travel along, so `#/components/schemas/…` resolves inside the compiled schema.
      validate = ajv.compile({ ...schema, components: document.components });
      validators.set(key, validate);
    }
    return validate;
  };

  // Every schema of the document is compiled now, so a broken one fails the first check, whichever route it is on.
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [verb, operation] of Object.entries(item)) {
      const body = (operation.requestBody as { content: Record<string, { schema: JsonSchema }> } | undefined)?.content['application/json'];
      if (body) validatorFor(`${verb} ${template} request`, body.schema);
      for (const [status, response] of Object.entries(operation.responses as Record<string, { content?: Record<string, { schema: JsonSchema }> }>)) {
        for (const [mediaType, content] of Object.entries(response.content ?? {})) validatorFor(`${verb} ${template} ${status} ${mediaType}`, content.schema);
      }
    }
  }

  return async (method, pathname, response) => {
    const path = new URL(pathname, 'http://check.invalid').pathname;
    const verb = method.toLowerCase();
    // A literal path (`/auth/passkeys/login`) can also match a template (`/auth/passkeys/{id}`): prefer the path
    // that has an operation for this method.
    const found = operations.find((candidate) => candidate.pattern.test(path) && candidate.item[verb] !== undefined) ?? operations.find((candidate) => candidate.pattern.test(path));
    const operation = found?.item[verb];
    const where = `${method.toUpperCase()} ${path} → ${response.status}`;
    if (!found || !operation) {
      // A CORS preflight is answered by the middleware, not by an operation of the API.
      if (verb === 'options') return;
      // Anything the document does not describe must be refused in the error format.
      const body = await readJson(response.clone(), where);
      const validate = validatorFor('#undocumented', { anyOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/GraphqlResponse' }] });
      if (response.status < 400 || !validate(body)) fail(where, 'is not described by /openapi.json and is no error answer', validate, body);
      return;
    }
    const responses = operation.responses as Record<string, { content?: Record<string, { schema: JsonSchema }>; headers?: Record<string, { required?: boolean }> }>;
    const documented = responses[String(response.status)];
    if (!documented) throw new Error(`${where}: /openapi.json does not list status ${response.status} for ${method.toUpperCase()} ${found.template}`);
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (header.required && !response.headers.has(name)) throw new Error(`${where}: the documented header ${name} is missing`);
    }
    if (!documented.content) {
      const text = await response.clone().text();
      if (text !== '') throw new Error(`${where}: /openapi.json documents no body, but one came: ${text.slice(0, 200)}`);
      return;
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const content = documented.content[mediaType];
    if (!content) throw new Error(`${where}: the media type "${mediaType}" is not documented (${Object.keys(documented.content).join(', ')})`);
    const body = await readJson(response.clone(), where);
    const validate = validatorFor(`${verb} ${found.template} ${response.status} ${mediaType}`, content.schema);
    if (!validate(body)) fail(where, `does not fit its schema in /openapi.json`, validate, body);
  };
}

async function readJson(response: Response, where: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${where}: the body is not JSON: ${text.slice(0, 200)}`);
  }
}

function fail(where: string, what: string, validate: ValidateFunction, body: unknown): never {
  const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('; ');
  throw new Error(`${where} ${what}: ${errors}\nbody: ${JSON.stringify(body).slice(0, 500)}`);
}
