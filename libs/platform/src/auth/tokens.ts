import jwt from 'jsonwebtoken';
import { ROLES, type Principal, type Role, type TokenClaims } from './principal';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
}

export class InvalidTokenError extends Error {}

export function signToken(settings: TokenSettings, claims: TokenClaims, expiresInSeconds = 8 * 3600): string {
  return jwt.sign({ role: claims.role, communes: claims.communes, province: claims.province }, settings.secret, {
    algorithm: 'HS256',
    subject: claims.sub,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: expiresInSeconds,
  });
}

const COMMUNE = /^[0-9]{5}$/;
const PROVINCE = /^[0-9]{2}$/;

export function verifyToken(settings: TokenSettings, token: string): Principal {
  let payload: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(token, settings.secret, { algorithms: ['HS256'], issuer: settings.issuer, audience: settings.audience });
    if (typeof decoded === 'string') throw new InvalidTokenError('token payload is not an object');
    payload = decoded;
  } catch (error) {
    throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
  }
  const role = payload['role'] as Role;
  if (!ROLES.includes(role)) throw new InvalidTokenError('token has no valid role');
  if (!payload.sub) throw new InvalidTokenError('token has no subject');
  const communes = Array.isArray(payload['communes']) ? (payload['communes'] as unknown[]).filter((c): c is string => typeof c === 'string' && COMMUNE.test(c)) : [];
  const province = typeof payload['province'] === 'string' && PROVINCE.test(payload['province']) ? payload['province'] : undefined;
  return { subject: payload.sub, role, communes, province };
}
