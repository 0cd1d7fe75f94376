import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { ServiceConfig } from '../config/service-config';
import type { Principal } from '../auth/principal';

const CORRELATION_HEADER = 'x-correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORD = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The request path as it may be logged: no query string, and every segment that is not a route
 * word, a UUID or a short code replaced by ":redacted". A client that puts an ID number, a phone
 * number or a name in a path (even by mistake, e.g. GET /residents/038190012345) must not get it
 * into the logs.
 */
export function loggablePath(url: string): string {
  return url
    .split('?')[0]
    .split('/')
    .map((segment) => (segment === '' || UUID.test(segment) || (WORD.test(segment) && (segment.match(/[0-9]/g)?.length ?? 0) < 7) ? segment : ':redacted'))
    .join('/');
}

/** Structured JSON logs with a correlation id per request and the caller's tenant scope. */
export function loggingModule(config: ServiceConfig) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      base: { service: config.serviceName },
      genReqId: (request: IncomingMessage, response: ServerResponse) => {
        const incoming = request.headers[CORRELATION_HEADER];
        const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(incoming) ? incoming : randomUUID();
        response.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      customProps: (request: IncomingMessage) => {
        const principal = (request as IncomingMessage & { principal?: Principal }).principal;
        return principal ? { actor: principal.subject, tenant: principal.communes.join(',') || undefined, province: principal.province } : {};
      },
      // Request bodies are never logged: they carry personal data.
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: loggablePath(request.url) }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health' || request.url === '/metrics' },
    },
  });
}
