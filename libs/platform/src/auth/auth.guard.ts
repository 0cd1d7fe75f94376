import { ForbiddenException, Inject, Injectable, Logger, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SERVICE_CONFIG, type ServiceConfig } from '../config/service-config';
import { ALLOWED_ROLES, IS_PUBLIC } from './decorators';
import type { Principal, Role } from './principal';
import { createTokenVerifier, InvalidTokenError, type TokenVerifier } from './tokens';

/** Methods that never change state; integrator tokens may use only these. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(). Integrator
 * credentials are read-only everywhere: any other method is refused here, whatever the route's roles.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');
  /** HS256 with JWT_SECRET, or RS256 against JWT_JWKS_URL (keys cached for this instance). */
  private readonly verifier: TokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.verifier = createTokenVerifier(config, {
      onJwksError: (error) => {
        const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
        this.logger.warn(`JWKS request to the identity provider failed: ${error.message}${cause ? ` (${cause})` : ''}; tokens whose key is not cached are refused (401) until it answers`);
      },
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ method?: string; headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = request.headers['authorization'] ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new UnauthorizedException('A bearer token is required');
    try {
      request.principal = await this.verifier.verify(token);
    } catch (error) {
      throw new UnauthorizedException(error instanceof InvalidTokenError ? `Invalid token: ${error.message}` : 'Invalid token');
    }
    if (request.principal.role === 'integrator' && !READ_METHODS.has((request.method ?? '').toUpperCase())) {
      throw new ForbiddenException('Integrator tokens are read-only');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new ForbiddenException(`Role ${request.principal.role} may not do this; allowed: ${roles.join(', ')}`);
    }
    return true;
  }
}
