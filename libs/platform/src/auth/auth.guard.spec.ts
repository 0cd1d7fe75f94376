import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { loadServiceConfig } from '../config/service-config';
import { AuthGuard } from './auth.guard';
import { Roles } from './decorators';
import type { Principal, TokenClaims } from './principal';
import { signToken } from './tokens';

const secret = 'auth-guard-unit-test-secret';
const config = loadServiceConfig({ serviceName: 'reporting', port: 3004, databaseSchema: 'reporting' }, { JWT_SECRET: secret });
const token = (claims: TokenClaims) => signToken({ secret, issuer: config.jwtIssuer, audience: config.jwtAudience }, claims);

class Routes {
  @Roles('integrator', 'province_officer', 'operations')
  readFeed(): void {}

  // A write open to every role by its decorators: the guard still refuses integrators.
  write(): void {}
}

function call(method: string, bearer: string | undefined, handler: () => void) {
  const request: { method: string; headers: Record<string, string | undefined>; principal?: Principal } = { method, headers: { authorization: bearer ? `Bearer ${bearer}` : undefined } };
  const context = { getHandler: () => handler, getClass: () => Routes, switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return { request, result: new AuthGuard(new Reflector(), config).canActivate(context) };
}

describe('AuthGuard', () => {
  const integrator = token({ sub: 'integrator-38', role: 'integrator', province: '38' });
  const operations = token({ sub: 'ops', role: 'operations' });

  it('lets an integrator read a route open to integrators and records the principal', async () => {
    for (const method of ['GET', 'HEAD', 'get']) {
      const { request, result } = call(method, integrator, Routes.prototype.readFeed);
      await expect(result).resolves.toBe(true);
      expect(request.principal).toEqual({ subject: 'integrator-38', role: 'integrator', communes: [], province: '38' });
    }
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'post'])('refuses an integrator %s on any route, whatever its roles', async (method) => {
    await expect(call(method, integrator, Routes.prototype.write).result).rejects.toThrow(new ForbiddenException('Integrator tokens are read-only'));
    await expect(call(method, integrator, Routes.prototype.readFeed).result).rejects.toThrow(new ForbiddenException('Integrator tokens are read-only'));
  });

  it('still lets other roles write where their roles allow, and checks roles on reads', async () => {
    await expect(call('POST', operations, Routes.prototype.write).result).resolves.toBe(true);
    const agent = token({ sub: 'agent', role: 'field_agent', communes: ['38001'] });
    await expect(call('GET', agent, Routes.prototype.readFeed).result).rejects.toThrow(ForbiddenException);
  });

  it('answers 401 before anything else without a valid token', async () => {
    await expect(call('POST', undefined, Routes.prototype.write).result).rejects.toThrow(UnauthorizedException);
    await expect(call('GET', 'not-a-token', Routes.prototype.readFeed).result).rejects.toThrow(UnauthorizedException);
  });
});
