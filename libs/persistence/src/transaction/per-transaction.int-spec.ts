import { databaseUrl, newRunId } from '@dtc/testkit';
import type { DataSource } from 'typeorm';
import { createServiceDataSource, dropSchema, migrateSchema } from '../data-source';
import { memoPerTransaction } from './per-transaction';

// Integration: the real Postgres started by `npm test` (tools/infra).
const schema = `t_${newRunId()}_memo`;
const options = { url: databaseUrl(), schema, migrations: [] };
const found = memoPerTransaction<string>('spec.found');

describe('memoPerTransaction (Postgres)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = createServiceDataSource(options);
    await migrateSchema(options, dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropSchema(databaseUrl(), schema);
  });

  it('keeps what one transaction put there for that transaction only', async () => {
    await dataSource.transaction(async (tx) => {
      found(tx).set('village', 'Thôn 1');
      expect(found(tx).get('village')).toBe('Thôn 1');
      // Another transaction running at the same time has its own.
      await dataSource.transaction(async (other) => expect(found(other).has('village')).toBe(false));
    });
    await dataSource.transaction(async (tx) => expect(found(tx).has('village')).toBe(false));
  });

  it('forgets it when the transaction rolls back', async () => {
    await expect(
      dataSource.transaction(async (tx) => {
        found(tx).set('village', 'Thôn 2');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await dataSource.transaction(async (tx) => expect(found(tx).has('village')).toBe(false));
  });

  it('keeps nothing outside a transaction', () => {
    found(dataSource.manager).set('village', 'Thôn 3');
    expect(found(dataSource.manager).has('village')).toBe(false);
  });
});
