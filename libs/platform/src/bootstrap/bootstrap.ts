import 'reflect-metadata';
import type { Server } from 'node:http';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { json, type NextFunction, type Request, type Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ConfigError } from '../config/config-loader';
import { loadServiceConfig, type ServiceConfig, type ServiceDefaults } from '../config/service-config';
import { toProblem } from '../http/problem.filter';
import { createValidationPipe } from '../http/validation';
import { securityHeaders } from '../http/security-headers';
import { setupOpenApi, type OpenApiInfo } from '../openapi/openapi';

/** Builds a configured (not yet listening) service: logger, validation, body limit, OpenAPI. */
export async function createServiceApp(rootModule: unknown, config: ServiceConfig, openApi: OpenApiInfo): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule as never, { bufferLogs: true, bodyParser: false, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.use(securityHeaders);
  // Body errors (malformed JSON, too large) happen before routing: answer them here with the
  // same problem shape and no parser internals.
  const parseJson = json({ limit: config.bodyLimit });
  app.use((request: Request, response: Response, next: NextFunction) =>
    parseJson(request, response, (error?: unknown) => {
      if (!error) return next();
      const problem = toProblem(error);
      response.status(problem.statusCode).json({ ...problem, correlationId: (request as Request & { id?: string }).id });
    }),
  );
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  setupOpenApi(app, openApi);
  return app;
}

export interface ServiceDefinition {
  defaults: ServiceDefaults;
  rootModule: (config: ServiceConfig) => DynamicModule;
  openApi: OpenApiInfo;
}

export interface Service extends ServiceDefinition {
  /** Reads and validates the configuration (throws ConfigError naming every problem). */
  config(env?: NodeJS.ProcessEnv): ServiceConfig;
  /** Builds the Nest application for a configuration (not yet listening). */
  build(config: ServiceConfig): Promise<INestApplication>;
}

/** Declares a service once: its defaults, root module and API description. */
export function defineService(definition: ServiceDefinition): Service {
  return {
    ...definition,
    config: (env = process.env) => loadServiceConfig(definition.defaults, env),
    build: (config) => createServiceApp(definition.rootModule(config), config, definition.openApi),
  };
}

/** Entry point of a service process: fail fast on bad config, listen, stop cleanly on signals. */
export async function runService(service: Service): Promise<void> {
  try {
    const config = service.config();
    const app = await service.build(config);
    await app.listen(config.port, config.host);
    keepConnectionsLongerThanClients(app.getHttpServer() as Server);
    app.get(Logger).log(`${config.serviceName} listening on http://localhost:${config.port} (docs at /docs)`);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Failed to start: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exit(1);
  }
}

/** Longer than clients and proxies keep an idle connection (undici 4 s, load balancers 60 s). */
export const KEEP_ALIVE_MS = 65_000;
/**
 * How long a stop lets requests in flight finish before it closes their connections: as long as
 * Node's own keep-alive timer used to leave them, and the pre-stop pause already let the load
 * balancer's last requests finish.
 */
export const DRAIN_MS = 5_000;

/**
 * Node closes an idle keep-alive connection after 5 s, about when a client that honours the
 * `Keep-Alive: timeout=5` hint (1 s early) reuses it on a busy machine: the client's request then
 * meets a closed socket ("other side closed"). Idle connections are kept longer than any client
 * keeps them instead. A stop must not wait for them: Node closes only those idle when the stop
 * begins, so the others are closed as soon as they fall idle, and any still open after DRAIN_MS
 * (a client that never read its response) are closed, all within the pod's grace period.
 */
export function keepConnectionsLongerThanClients(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    const closeIdle = setInterval(() => server.closeIdleConnections(), 100);
    const closeAll = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    closeIdle.unref();
    closeAll.unref();
    return close((error?: Error) => {
      clearInterval(closeIdle);
      clearTimeout(closeAll);
      callback?.(error);
    });
  };
}
