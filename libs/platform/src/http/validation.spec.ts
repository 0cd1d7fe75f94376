import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { getMetadataStorage, IsArray, IsInt, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { MAX_PAGE, PageQuery } from './pagination';
import { toProblem } from './problem.filter';
import { createValidationPipe, Nullable, validatePayload } from './validation';

class Child {
  @IsString()
  name!: string;

  @IsOptional()
  @IsInt()
  age?: number;
}

class Parent {
  @IsOptional()
  @IsString()
  address?: string;

  @Nullable()
  @IsUUID('4')
  coreId!: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => Child)
  child?: Child;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Child)
  children?: Child[];
}

class Extended extends Parent {
  @IsOptional()
  @IsString()
  note?: string;
}

const pipe = createValidationPipe();

async function problemOf(type: new () => object, value: unknown, kind: 'body' | 'query' = 'body') {
  try {
    return { value: await pipe.transform(value, { type: kind, metatype: type as never }) };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return toProblem(error);
  }
}

describe('null in requests', () => {
  it('refuses null on an optional field, naming the field (before: it passed @IsOptional and reached the service)', async () => {
    expect(await problemOf(Parent, { address: null, coreId: null })).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
      fields: [{ field: 'address', reason: 'address must not be null (leave the field out instead)' }],
    });
  });

  it('accepts null on a @Nullable() field, and checks its type otherwise; inherited fields too', async () => {
    expect(await problemOf(Extended, { coreId: null, note: 'x' })).toEqual({ value: expect.objectContaining({ coreId: null, note: 'x' }) });
    expect(((await problemOf(Extended, { coreId: 'abc' })) as { fields: unknown[] }).fields).toEqual([{ field: 'coreId', reason: 'coreId must be a UUID' }]);
    expect(((await problemOf(Extended, { coreId: null, note: null })) as { fields: unknown[] }).fields).toEqual([{ field: 'note', reason: 'note must not be null (leave the field out instead)' }]);
  });

  it('walks nested objects and lists', async () => {
    const problem = (await problemOf(Parent, { coreId: null, child: { name: 'a', age: null }, children: [{ name: 'b' }, { name: null }] })) as { fields: Array<{ field: string }> };
    expect(problem.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['child.age', 'children.1.name']));
    expect(problem.fields.map((f) => f.field)).not.toContain('child');
  });

  it('offline-sync payloads follow the same rule', async () => {
    expect((await validatePayload(Parent, { coreId: null, address: null })).fields).toEqual([{ field: 'address', reason: 'address must not be null (leave the field out instead)' }]);
    expect((await validatePayload(Parent, { coreId: null, address: 'Xóm 2' })).fields).toEqual([]);
  });
});

describe('paging', () => {
  it.each(['1e17', '1e21', '1e308', String(MAX_PAGE + 1), '9007199254740993'])('page=%s is 400 naming page (its offset would overflow the database)', async (page) => {
    const problem = (await problemOf(PageQuery, { page }, 'query')) as { statusCode: number; fields: Array<{ field: string; reason: string }> };
    expect(problem.statusCode).toBe(400);
    expect(problem.fields).toEqual(expect.arrayContaining([{ field: 'page', reason: expect.stringMatching(/page must not be greater than 100000/) }]));
  });

  it('the last page is allowed', async () => {
    expect(await problemOf(PageQuery, { page: String(MAX_PAGE), pageSize: '200' }, 'query')).toEqual({ value: expect.objectContaining({ page: MAX_PAGE, pageSize: 200 }) });
  });
});

describe('keys that would replace a prototype', () => {
  it.each([
    ['__proto__ in a body (JSON.parse makes it an own key)', '{"coreId":null,"__proto__":{"address":1}}', '__proto__'],
    ['constructor in a body', '{"coreId":null,"constructor":"x"}', 'constructor'],
    ['__proto__ nested in a list', '{"coreId":null,"children":[{"name":"a","__proto__":"x"}]}', 'children.0.__proto__'],
  ])('%s is 400 naming it (before: the DTO lost its validators or validation threw, a 500)', async (_what, json, field) => {
    expect(await problemOf(Parent, JSON.parse(json))).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: [{ field, reason: `property ${field.split('.').pop()} should not exist` }] });
    expect((await validatePayload(Parent, JSON.parse(json))).fields).toEqual([{ field, reason: `property ${field.split('.').pop()} should not exist` }]);
  });

  it('__proto__ in a query string is 400 too', async () => {
    const query = Object.assign(Object.create(null), { page: '2' });
    Object.defineProperty(query, '__proto__', { value: '0', enumerable: true });
    expect(((await problemOf(PageQuery, query, 'query')) as { fields: unknown[] }).fields).toEqual([{ field: '__proto__', reason: 'property __proto__ should not exist' }]);
  });
});

describe('lists where an object belongs', () => {
  it.each([
    ['a nested object given as a list', { coreId: null, child: [] }, 'child', 'child must be an object, not a list'],
    ['an element of a list of objects given as a list', { coreId: null, children: [{ name: 'a' }, []] }, 'children.1', 'each value in children must be an object, not a list'],
  ])('%s is 400 naming it (class-validator checked the list elements instead: nothing)', async (_what, body, field, reason) => {
    expect(((await problemOf(Parent, body)) as { fields: unknown[] }).fields).toEqual([{ field, reason }]);
    expect((await validatePayload(Parent, body)).fields).toEqual([{ field, reason }]);
  });
});

describe("class-validator's rules, looked up once per class", () => {
  class Base {
    @IsString()
    label!: string;
  }
  class Derived extends Base {
    @IsInt()
    count!: number;
  }

  it('answers the same rules again without looking them up again, inherited ones included', async () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Derived, '', false, false);
    expect(first.map((rule) => rule.propertyName).sort()).toEqual(['count', 'label']);
    expect(storage.getTargetValidationMetadatas(Derived, '', false, false)).toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    // Other options are another answer.
    expect(storage.getTargetValidationMetadatas(Derived, '', false, true, ['other'])).not.toBe(first);
    const { fields } = await validatePayload(Derived, { label: 1, count: 'x' });
    expect(fields.map((problem) => problem.field).sort()).toEqual(['count', 'label']);
  });

  it('sees a rule added after a look-up (a class defined later, or a rule added to a known class)', async () => {
    expect((await validatePayload(Derived, { label: 'a', count: 1, extra: 'b' })).fields).toEqual([{ field: 'extra', reason: 'property extra should not exist' }]);
    IsString()(Derived.prototype, 'extra');
    expect((await validatePayload(Derived, { label: 'a', count: 1, extra: 'b' })).fields).toEqual([]);
    expect((await validatePayload(Derived, { label: 'a', count: 1, extra: 2 })).fields).toEqual([{ field: 'extra', reason: 'extra must be a string' }]);
    class Later extends Derived {
      @IsUUID('4')
      id!: string;
    }
    const { fields } = await validatePayload(Later, { label: 'a', count: 1, extra: 'b', id: 'nope' });
    expect(fields).toEqual([{ field: 'id', reason: 'id must be a UUID' }]);
  });
});
