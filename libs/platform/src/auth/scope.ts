import { ForbiddenException } from '@nestjs/common';
import { canAccessCommune, canAccessProvince, type Principal } from './principal';

export function assertCommuneAccess(principal: Principal, communeCode: string, provinceOfCommune?: string): void {
  if (!canAccessCommune(principal, communeCode, provinceOfCommune)) {
    throw new ForbiddenException(`This token is not scoped to commune ${communeCode}`);
  }
}

export function assertProvinceAccess(principal: Principal, provinceCode: string): void {
  if (!canAccessProvince(principal, provinceCode)) throw new ForbiddenException(`This token is not scoped to province ${provinceCode}`);
}
