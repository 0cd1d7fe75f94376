import type { EntityManager } from 'typeorm';
import { provinceWideTenant, recordAudit, writtenFields } from './audit';

function fakeTx() {
  const calls: Array<{ sql: string; params: unknown[] }> = [];
  const tx = { query: async (sql: string, params: unknown[]) => calls.push({ sql, params }) } as unknown as EntityManager;
  return { tx, calls };
}

describe('recordAudit', () => {
  it('writes actor, tenant, action, entity and the field names, taking the sync client id from the transaction', async () => {
    const { tx, calls } = fakeTx();
    await recordAudit(tx, { subject: 'agent-1' }, { communeCode: '16279', action: 'register', entity: 'resident', entityId: 'r-1', fields: ['fullName', 'idNumber', 'fullName'] });
    expect(calls).toHaveLength(1);
    expect(calls[0].sql).toContain("current_setting('dtc.sync_client_id', true)");
    expect(calls[0].params).toEqual(['16279', null, 'agent-1', 'register', 'resident', 'r-1', ['fullName', 'idNumber']]);
  });

  it('records province-wide writes under the province', async () => {
    const { tx, calls } = fakeTx();
    await recordAudit(tx, { subject: 'officer-38' }, { provinceCode: '38', action: 'add', entity: 'indicator', entityId: 'x' });
    expect(calls[0].params.slice(0, 2)).toEqual([null, '38']);
  });

  it('refuses anything in fields that is not a field name (it could be a value)', async () => {
    const { tx, calls } = fakeTx();
    for (const value of ['Nguyễn Thị Lan', '038190012345', 'id038190012345', 'a b', '']) {
      await expect(recordAudit(tx, { subject: 'a' }, { communeCode: '16279', action: 'update', entity: 'resident', entityId: 'r', fields: [value] })).rejects.toThrow(/field names/);
    }
    expect(calls).toEqual([]);
  });
});

describe('writtenFields and provinceWideTenant', () => {
  it('lists the fields a request set, without their values', () => {
    expect(writtenFields({ fullName: 'Nguyễn Thị Lan', phone: undefined, ownsSmartphone: false })).toEqual(['fullName', 'ownsSmartphone']);
  });

  it('gives a province officer’s catalogue writes their province, operations’ none', () => {
    expect(provinceWideTenant({ role: 'province_officer', province: '38' })).toEqual({ provinceCode: '38' });
    expect(provinceWideTenant({ role: 'operations' })).toEqual({ provinceCode: null });
  });
});
