import addFormats from 'ajv-formats';
import OpenAPIBackend, { type Document, type Operation } from 'openapi-backend';

/**
 * Every exchange the end-to-end suites make through `request` (tests/support/http.ts) is checked
 * against the answering service's own OpenAPI document (GET /docs-json), with openapi-backend's
 * validator: the status must be documented for the operation and a JSON body must match its
 * schema; a request the service accepted (2xx) must match the documented request. A client
 * generated from the documents then works, because the suites prove the documents true.
 * Refused requests are not checked: the suites send invalid ones on purpose.
 */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status: number;
  contentType: string | null;
  responseBody: unknown;
}

// Documents about the API (OpenAPI, and AsyncAPI for its events), not operations of it.
const OUTSIDE_API = [/^\/docs(-json|\/.*)?$/, /^\/asyncapi\.json$/];

const documents = new Map<string, Promise<OpenAPIBackend | undefined>>();
// Every test run of a service serves the same document from a new port: one validator per
// document text, so a worker compiles each service's schemas once (compiling blocks the event
// loop long enough for the services to close idle keep-alive sockets under the next request).
const validators = new Map<string, Promise<OpenAPIBackend>>();

function contractOf(origin: string): Promise<OpenAPIBackend | undefined> {
  let contract = documents.get(origin);
  if (!contract) {
    contract = (async () => {
      const response = await fetch(`${origin}/docs-json`).catch(() => undefined);
      // Stopped since it answered (a fault test): asked again next time.
      if (!response) {
        documents.delete(origin);
        return undefined;
      }
      // Not one of our services (a stub an integrator test runs, say): nothing to check against.
      if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return undefined;
      const text = await response.text();
      let validator = validators.get(text);
      if (!validator) validators.set(text, (validator = openApiValidator(JSON.parse(text) as Document)));
      return validator;
    })();
    documents.set(origin, contract);
  }
  return contract;
}

/**
 * A validator for one document; init fails on a document that is not valid OpenAPI (strict), and
 * formats (date, date-time, uuid, ...) are checked as documented.
 */
export async function openApiValidator(definition: Document): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend({
    definition,
    // Validators compile per operation on first use, not all at start.
    quick: true,
    strict: true,
    validate: true,
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  });
  await api.init();
  // Quick mode skips this check (and does not wait for the parsed document it checks); the
  // document must still be valid OpenAPI.
  await api.loadDocument();
  api.validateDefinition();
  return api;
}

/** What the exchange contradicts in the service's document; empty when it is true to it. */
export async function contractProblems(exchange: Exchange): Promise<string[]> {
  const url = new URL(exchange.url);
  if (OUTSIDE_API.some((route) => route.test(url.pathname))) return [];
  const api = await contractOf(url.origin);
  if (!api) return [];
  const request = {
    method: exchange.method.toLowerCase(),
    path: url.pathname,
    query: url.search.slice(1),
    headers: exchange.requestHeaders,
    body: exchange.requestBody,
  };
  const operation = api.matchOperation(request) as Operation | undefined;
  const name = `${exchange.method.toUpperCase()} ${url.pathname}`;
  if (!operation) return exchange.status === 404 || exchange.status === 405 ? [] : [`${name}: no such operation in the document, yet it answered ${exchange.status}`];
  const problems: string[] = [];
  if (exchange.status >= 200 && exchange.status < 300) {
    const checked = api.validateRequest(request, operation);
    if (!checked.valid) problems.push(`${name}: the service accepted a request its document refuses: ${describe(checked.errors)}`);
  }
  const responses = operation.responses ?? {};
  const documented = responses[String(exchange.status)] ?? responses[`${String(exchange.status)[0]}XX`] ?? responses.default;
  if (!documented) problems.push(`${name}: answered ${exchange.status}, which the document does not list (${Object.keys(responses).join(', ')})`);
  else if ((exchange.contentType ?? '').includes('json')) {
    const checked = api.validateResponse(exchange.responseBody, operation, exchange.status);
    if (!checked.valid) problems.push(`${name}: the ${exchange.status} body contradicts the document: ${describe(checked.errors)}`);
  }
  return problems;
}

function describe(errors: ReadonlyArray<{ instancePath?: string; message?: string; params?: unknown }> | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params ?? {})}`.trim())
    .join('; ');
}
