import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contractProblems, type Exchange } from './openapi-contract';

// The checker the end-to-end suites run every exchange through, against a small document served
// as the services serve theirs (GET /docs-json).
const document = {
  openapi: '3.0.0',
  info: { title: 'households', version: '1' },
  paths: {
    '/households/{id}': {
      put: {
        operationId: 'HouseholdsController_update',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Household' } } } },
        responses: {
          '200': { description: 'saved', content: { 'application/json': { schema: { $ref: '#/components/schemas/Household' } } } },
          '422': { description: 'refused', content: { 'application/json': { schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Household: { type: 'object', required: ['name', 'members'], properties: { name: { type: 'string' }, members: { type: 'integer', minimum: 1 } } },
    },
  },
};

describe('contractProblems', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/docs-json' ? document : {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const exchange = (overrides: Partial<Exchange>): Exchange => ({
    method: 'PUT',
    url: `${origin}/households/h1`,
    requestHeaders: { 'content-type': 'application/json' },
    requestBody: { name: 'Nguyễn', members: 4 },
    status: 200,
    contentType: 'application/json; charset=utf-8',
    responseBody: { name: 'Nguyễn', members: 4 },
    ...overrides,
  });

  it('finds nothing in an exchange true to the document', async () => {
    expect(await contractProblems(exchange({}))).toEqual([]);
    expect(await contractProblems(exchange({ requestBody: { name: 'x', members: 0 }, status: 422, responseBody: { message: 'members: at least 1' } }))).toEqual([]);
  });

  it('reports a response body that contradicts its schema', async () => {
    const problems = await contractProblems(exchange({ responseBody: { name: 'Nguyễn', members: '4' } }));
    expect(problems).toEqual([expect.stringMatching(/^PUT \/households\/h1: the 200 body contradicts the document: \/members must be integer/)]);
  });

  it('reports a status the operation does not list', async () => {
    expect(await contractProblems(exchange({ status: 409, responseBody: { message: 'version' } }))).toEqual([expect.stringContaining('answered 409, which the document does not list (200, 422)')]);
  });

  it('reports an accepted request the document would refuse, but not a refused one', async () => {
    expect(await contractProblems(exchange({ requestBody: { name: 'Nguyễn' } }))).toEqual([expect.stringContaining('the service accepted a request its document refuses')]);
    expect(await contractProblems(exchange({ requestBody: { name: 'Nguyễn' }, status: 422, responseBody: { message: 'members missing' } }))).toEqual([]);
  });

  it('reports an operation the document does not have', async () => {
    expect(await contractProblems(exchange({ method: 'DELETE', status: 204, responseBody: '' }))).toEqual([expect.stringContaining('DELETE /households/h1: no such operation in the document')]);
    expect(await contractProblems(exchange({ url: `${origin}/docs-json`, method: 'GET', status: 200, responseBody: document }))).toEqual([]);
  });
});
