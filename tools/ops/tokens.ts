import { signToken, type Role } from '@dtc/platform';
import { tokenSettings } from './environment';

export interface TokenRequest {
  role: Role;
  subject: string;
  communes?: string[];
  province?: string;
  hours: number;
}

export interface MintedToken extends TokenRequest {
  token: string;
  expiresAt: Date;
}

/** A bearer token signed with JWT_SECRET (HS256), as the services verify on one installation. */
export function mintToken(request: TokenRequest): MintedToken {
  const { secret, issuer, audience } = tokenSettings();
  const seconds = Math.round(request.hours * 3600);
  const token = signToken({ secret, issuer, audience }, { sub: request.subject, role: request.role, communes: request.communes, province: request.province }, seconds);
  return { ...request, token, expiresAt: new Date(Date.now() + seconds * 1000) };
}

/** The token the CLI calls the services with: OPS_TOKEN when given, else a short-lived one of its own. */
export function operationsToken(): string {
  const { operationsToken: given } = tokenSettings();
  return given ?? mintToken({ role: 'operations', subject: 'ops-cli', hours: 0.25 }).token;
}

/** With an identity provider (JWT_JWKS_URL) the services refuse tokens this CLI signs. */
export function servicesAcceptMintedTokens(): boolean {
  return tokenSettings().jwksUrl === undefined;
}
