import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { ServiceConfig } from '../config/service-config';
import type { Principal } from '../auth/principal';

const CORRELATION_HEADER = 'x-correlation-id';

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
        req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url.split('?')[0] }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health' || request.url === '/metrics' },
    },
  });
}
