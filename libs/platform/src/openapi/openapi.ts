import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_OPERATION_EXTENSION } from '../auth/decorators';
import { statusText } from '../http/problem.filter';
import { pageContentSecurityPolicy } from '../http/security-headers';

export interface OpenApiInfo {
  title: string;
  description: string;
  version?: string;
}

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Responses = Operation['responses'];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The body of every error answer (libs/platform/src/http/problem.filter.ts). */
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 422 },
    error: { type: 'string', example: 'Unprocessable Entity' },
    message: { type: 'string', example: 'Validation failed' },
    fields: {
      type: 'array',
      description: 'The fields at fault and why, when the error is about input',
      items: { type: 'object', required: ['field', 'reason'], properties: { field: { type: 'string' }, reason: { type: 'string' } } },
      example: [{ field: 'dateOfBirth', reason: 'must not be in the future' }],
    },
  },
  additionalProperties: true,
} as const;

/**
 * Answers every authenticated operation can give, whatever its controller says: the global
 * AuthGuard's 401, the RolesGuard's and tenant checks' 403, the RateLimitGuard's 429 (public
 * routes pass all three), any other refusal a feature gives (409, 422, ...) and the 503 of a
 * database outage, always as a problem.
 */
const GUARD_RESPONSES = {
  '401': 'No bearer token, or one that is expired, malformed, signed by an unknown key or for another issuer or audience',
  '403': "The token's role may not do this, or its commune or province is not the data's",
  '429': 'The token has used its request budget for this minute; Retry-After says when to try again',
  '4XX': 'Any other refusal (a conflict, a business rule, ...): a problem naming the reason and the fields at fault',
  // The problem filter's answer while the database is down or overloaded (nothing was written).
  '503': 'The database or another dependency is unavailable or busy for a moment: nothing was done; retry later',
} as const;
/** The validation pipe's answer to malformed parameters or bodies, and a missing path resource. */
const INPUT_RESPONSES = {
  '400': 'Malformed input: a parameter or body field of the wrong type or format, unknown or missing (the fields say which)',
  '404': 'Nothing with that identifier (or nothing this token may see)',
} as const;

/**
 * Makes the generated document say what the guards, the validation pipe and the problem filter
 * really do: public routes need no token (security: []); authenticated ones can answer 401, 403,
 * 429, any other 4xx and 503, 400 when they take input and 404 when their path names something;
 * every error answer is a JSON problem.
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: { ...PROBLEM_SCHEMA } as never } };
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const extensions = operation as Operation & Record<string, unknown>;
      if (extensions[PUBLIC_OPERATION_EXTENSION]) {
        delete extensions[PUBLIC_OPERATION_EXTENSION];
        operation.security = [];
      } else {
        for (const [status, description] of Object.entries(GUARD_RESPONSES)) operation.responses[status] ??= { description };
        const parameters = (operation.parameters ?? []) as Array<{ in?: string }>;
        if (parameters.length > 0 || operation.requestBody) operation.responses['400'] ??= { description: INPUT_RESPONSES['400'] };
        if (parameters.some((parameter) => parameter.in === 'path')) operation.responses['404'] ??= { description: INPUT_RESPONSES['404'] };
      }
      describeProblems(operation.responses);
    }
  }
  allowNullInNullableEnums(document);
  return document;
}

/**
 * In OpenAPI 3.0 an enum restricts every value, null included, even with `nullable: true`:
 * validators and generated clients reject a null the DTO allows unless the enum lists it too.
 */
function allowNullInNullableEnums(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowNullInNullableEnums);
  if (!node || typeof node !== 'object') return;
  const schema = node as { nullable?: unknown; enum?: unknown };
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  for (const value of Object.values(node)) allowNullInNullableEnums(value);
}

function describeProblems(responses: Responses): void {
  for (const [status, response] of Object.entries(responses)) {
    if (!response || !/^[45](\d\d|XX)$/.test(status) || '$ref' in response || response.content) continue;
    response.content = { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } };
    if (!response.description) response.description = statusText(Number(status.replace('XX', '00')));
  }
}

/**
 * Swagger UI's page: its scripts are files of this origin (no inline script), so an injected
 * <script> never runs; its template's inline <style> and style attributes need 'unsafe-inline'
 * for styles only.
 */
export const DOCS_CSP = pageContentSecurityPolicy({ scripts: ['self'], styles: ['self', 'unsafe-inline'] });

/**
 * A service's OpenAPI document, as /docs-json serves it and `npm run api` exports it (the app
 * only needs its routes: a preview-mode app without connections gives the same document).
 */
export function buildOpenApiDocument(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(info.title)
      .setDescription(info.description)
      .setVersion(info.version ?? '1.0.0')
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      // Relative: the document is served by the service it describes, at that service's origin.
      .addServer('/', 'This service')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from `npm run token -- --role ROLE --commune CODE`' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  return completeOpenApiDocument(document);
}

/** Swagger UI at /docs (under DOCS_CSP) and the OpenAPI JSON at /docs-json. */
export function setupOpenApi(app: INestApplication, info: OpenApiInfo): void {
  // Before the Swagger routes, so the page and its assets carry the policy (not /docs-json, another path).
  app.use('/docs', (_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Content-Security-Policy', DOCS_CSP);
    next();
  });
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, info), { jsonDocumentUrl: 'docs-json' });
}
