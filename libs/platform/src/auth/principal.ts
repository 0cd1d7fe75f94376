export const ROLES = ['field_agent', 'commune_admin', 'province_officer', 'integrator', 'operations'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, taken from a verified bearer token. */
export interface Principal {
  subject: string;
  role: Role;
  /** Commune codes this caller may act on (field agents, commune admins). */
  communes: string[];
  /** Province code for province officers and integrators. */
  province?: string;
}

export interface TokenClaims {
  sub: string;
  role: Role;
  communes?: string[];
  province?: string;
}

/**
 * Which scope claims a role may carry: field agents and commune admins act on communes, province
 * officers and integrators on one province, operations on everything (so neither). A token that
 * mixes them is refused rather than trusted: a province claim on a field agent would otherwise
 * open every commune of that province to it.
 */
export function scopeClaimProblem(role: Role, claims: { communes?: unknown; province?: unknown }): string | undefined {
  const hasCommunes = Array.isArray(claims.communes) ? claims.communes.length > 0 : claims.communes !== undefined && claims.communes !== null;
  const hasProvince = claims.province !== undefined && claims.province !== null;
  if ((role === 'field_agent' || role === 'commune_admin') && hasProvince) return `a ${role} token carries communes only, never a province`;
  if ((role === 'province_officer' || role === 'integrator') && hasCommunes) return `a ${role} token carries one province, never communes`;
  if (role === 'operations' && (hasCommunes || hasProvince)) return 'an operations token carries neither communes nor a province';
  return undefined;
}

/** Operations see every tenant; others only their communes or their province's communes. */
export function canAccessCommune(principal: Principal, communeCode: string, provinceOfCommune?: string): boolean {
  if (principal.role === 'operations') return true;
  if (principal.communes.includes(communeCode)) return true;
  return Boolean(principal.province && provinceOfCommune && principal.province === provinceOfCommune);
}

export function canAccessProvince(principal: Principal, provinceCode: string): boolean {
  return principal.role === 'operations' || principal.province === provinceCode;
}
