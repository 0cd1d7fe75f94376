import type { OpenAPIObject } from '@nestjs/swagger';
import { completeOpenApiDocument } from './openapi';

function documentWith(paths: OpenAPIObject['paths']): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: { schemas: { Existing: { type: 'object' } } } };
}

describe('completeOpenApiDocument', () => {
  it('documents public operations as needing no token, without the guards answers', () => {
    const document = completeOpenApiDocument(documentWith({ '/health': { get: { 'x-dtc-public': true, responses: { '200': { description: 'up' } } } as never } }));
    const health = document.paths['/health']?.get;
    expect(health?.security).toEqual([]);
    expect(Object.keys(health?.responses ?? {})).toEqual(['200']);
    expect(health).not.toHaveProperty('x-dtc-public');
  });

  it('adds the guards answers (401, 403, 429, any other 4xx) and the outage 503 to authenticated operations and gives every error answer the problem body', () => {
    const document = completeOpenApiDocument(
      documentWith({
        '/households': {
          post: { responses: { '201': { description: 'created' }, '409': { description: 'taken' }, '503': { description: '', content: { 'text/plain': {} } } } },
          get: { responses: { '200': { description: 'list' } } },
        },
      }),
    );
    const responses = document.paths['/households']?.post?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(['201', '401', '403', '409', '429', '4XX', '503']);
    expect(document.paths['/households']?.get?.responses['503']).toEqual(expect.objectContaining({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } }));
    expect(responses['4XX']).toEqual(expect.objectContaining({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } }));
    expect(responses['409']).toEqual({ description: 'taken', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    expect(responses['401']).toEqual(expect.objectContaining({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } }));
    // An answer that already says what it carries is left alone.
    expect(responses['503']).toEqual({ description: '', content: { 'text/plain': {} } });
    expect(Object.keys(document.components?.schemas ?? {}).sort()).toEqual(['Existing', 'Problem']);
  });

  it('adds 400 where an operation takes input and 404 where its path names something', () => {
    const document = completeOpenApiDocument(
      documentWith({
        '/households': { get: { responses: { '200': { description: 'list' } } }, post: { requestBody: { content: {} }, responses: { '201': { description: 'created' } } } },
        '/households/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true }], responses: { '200': { description: 'one' }, '404': { description: 'no such household' } } } },
        '/residents': { get: { parameters: [{ name: 'q', in: 'query' }], responses: { '200': { description: 'found' } } } },
      }),
    );
    const statuses = (path: string, method: 'get' | 'post') => Object.keys(document.paths[path]?.[method]?.responses ?? {}).filter((status) => ['400', '404'].includes(status));
    expect([statuses('/households', 'get'), statuses('/households', 'post'), statuses('/households/{id}', 'get'), statuses('/residents', 'get')]).toEqual([[], ['400'], ['400', '404'], ['400']]);
    // A feature's own description of a status is kept.
    expect(document.paths['/households/{id}']?.get?.responses['404']).toEqual(expect.objectContaining({ description: 'no such household' }));
  });

  it('lists null in the enum of every nullable enum, wherever the schema is', () => {
    const document = documentWith({});
    document.components!.schemas = {
      VisitView: { type: 'object', properties: { reviewStatus: { type: 'string', nullable: true, enum: ['verified', 'returned'] }, channel: { type: 'string', enum: ['door'] } } },
      TargetView: { type: 'object', properties: { population: { type: 'array', items: { nullable: true, enum: ['adults', null] } } } },
    };
    const schemas = completeOpenApiDocument(document).components!.schemas as Record<string, { properties: Record<string, { enum?: unknown[]; items?: { enum: unknown[] } }> }>;
    expect(schemas.VisitView.properties.reviewStatus.enum).toEqual(['verified', 'returned', null]);
    // Not nullable: unchanged; null already listed: not twice.
    expect(schemas.VisitView.properties.channel.enum).toEqual(['door']);
    expect(schemas.TargetView.properties.population.items?.enum).toEqual(['adults', null]);
  });
});
