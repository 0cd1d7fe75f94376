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

/** Operations see every tenant; others only their communes or their province's communes. */
export function canAccessCommune(principal: Principal, communeCode: string, provinceOfCommune?: string): boolean {
  if (principal.role === 'operations') return true;
  if (principal.communes.includes(communeCode)) return true;
  return Boolean(principal.province && provinceOfCommune && principal.province === provinceOfCommune);
}

export function canAccessProvince(principal: Principal, provinceCode: string): boolean {
  return principal.role === 'operations' || principal.province === provinceCode;
}
