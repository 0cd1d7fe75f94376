import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Principal, Role } from './principal';

export const IS_PUBLIC = 'dtc:isPublic';
export const ALLOWED_ROLES = 'dtc:roles';

/** Marks an operation public in the OpenAPI document; setupOpenApi turns it into `security: []`. */
export const PUBLIC_OPERATION_EXTENSION = 'x-dtc-public';

/** Health, metrics and docs are reachable without a token. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_OPERATION_EXTENSION, true));

/** Restricts a handler or controller to the listed roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<{ principal: Principal }>().principal;
});

/** The request's correlation id (x-correlation-id or generated), to carry into events. */
export const CorrelationId = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const id = context.switchToHttp().getRequest<{ id?: unknown }>().id;
  return typeof id === 'string' ? id : undefined;
});
