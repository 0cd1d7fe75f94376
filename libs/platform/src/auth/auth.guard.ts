import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/service-config';
import { ALLOWED_ROLES, IS_PUBLIC } from './decorators';
import type { Principal, Role } from './principal';
import { InvalidTokenError, verifyToken } from './tokens';

/** Global guard: every route needs a valid bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = request.headers['authorization'] ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new UnauthorizedException('A bearer token is required');
    try {
      request.principal = verifyToken({ secret: this.config.jwtSecret, issuer: this.config.jwtIssuer, audience: this.config.jwtAudience }, token);
    } catch (error) {
      throw new UnauthorizedException(error instanceof InvalidTokenError ? `Invalid token: ${error.message}` : 'Invalid token');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new ForbiddenException(`Role ${request.principal.role} may not do this; allowed: ${roles.join(', ')}`);
    }
    return true;
  }
}
