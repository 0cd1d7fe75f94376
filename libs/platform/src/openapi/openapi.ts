import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_OPERATION_EXTENSION } from '../auth/decorators';
import { statusText } from '../http/problem.filter';

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
 * AuthGuard's 401 and the RateLimitGuard's 429 (public routes pass both guards).
 */
const GUARD_RESPONSES = {
  '401': 'No bearer token, or one that is expired, malformed, signed by an unknown key or for another issuer or audience',
  '429': 'The token has used its request budget for this minute; Retry-After says when to try again',
} as const;

/**
 * Makes the generated document say what the guards and the problem filter really do: public
 * routes need no token (security: []), authenticated ones can answer 401 and 429, and every
 * error answer is a JSON problem.
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
      } else for (const [status, description] of Object.entries(GUARD_RESPONSES)) operation.responses[status] ??= { description };
      describeProblems(operation.responses);
    }
  }
  return document;
}

function describeProblems(responses: Responses): void {
  for (const [status, response] of Object.entries(responses)) {
    if (!response || !/^[45]\d\d$/.test(status) || '$ref' in response || response.content) continue;
    response.content = { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } };
    if (!response.description) response.description = statusText(Number(status));
  }
}

/** Swagger UI at /docs and the OpenAPI JSON at /docs-json. */
export function setupOpenApi(app: INestApplication, info: OpenApiInfo): void {
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
  SwaggerModule.setup('docs', app, completeOpenApiDocument(document), { jsonDocumentUrl: 'docs-json' });
}
