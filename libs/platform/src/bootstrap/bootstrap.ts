import 'reflect-metadata';
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
