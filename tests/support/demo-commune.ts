import { testToken } from '@dtc/testkit';
import { request } from './http';

/** Onboards a commune with villages through the registry API, as an operator would. */
export async function onboardCommune(registryUrl: string, communeCode: string, provinceCode: string, villageCodes: string[]): Promise<void> {
  const ops = testToken({ sub: 'ops-test', role: 'operations' });
  const created = await request('POST', `${registryUrl}/communes`, ops, { code: communeCode, name: `Xã ${communeCode}`, provinceCode, provinceName: `Tỉnh ${provinceCode}` });
  if (created.status !== 201) throw new Error(`onboarding failed: ${JSON.stringify(created.body)}`);
  for (const code of villageCodes) {
    const village = await request('POST', `${registryUrl}/communes/${communeCode}/villages`, ops, { code, name: `Thôn ${code}` });
    if (village.status !== 201) throw new Error(`village failed: ${JSON.stringify(village.body)}`);
  }
}

export function householdBody(communeCode: string, villageCode: string, extra: Record<string, unknown> = {}) {
  return { communeCode, villageCode, address: 'Xóm Bãi', headName: 'Nguyễn Văn An', mobileSignal: 'weak', hasElectricity: true, ...extra };
}
