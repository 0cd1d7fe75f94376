import { BadRequestException } from '@nestjs/common';
import { ParseCommuneCodePipe, ParseIdPipe, ParseProvinceCodePipe } from './params';
import { toProblem } from './problem.filter';

describe('path parameter pipes', () => {
  const param = (data: string) => ({ type: 'param' as const, data });

  it('passes a UUID and names the parameter of anything else', () => {
    const pipe = new ParseIdPipe();
    expect(pipe.transform('0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11', param('id'))).toBe('0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c11');
    for (const bad of ['not-a-uuid', "1' or '1'='1", '0b6f9a52-2d55-4c3f-9d57-7f5a1f0a2c1', '', undefined]) {
      let error: unknown;
      try {
        pipe.transform(bad, param('teamId'));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BadRequestException);
      expect(toProblem(error)).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: [{ field: 'teamId', reason: 'teamId must be a UUID' }] });
    }
  });

  it('passes a 5-digit commune code and names the parameter of anything else', () => {
    const pipe = new ParseCommuneCodePipe();
    expect(pipe.transform('16279', param('code'))).toBe('16279');
    for (const bad of ['1627', '162790', 'abcde', "16279'--"]) {
      expect(() => pipe.transform(bad, param('code'))).toThrow(BadRequestException);
    }
  });

  it('passes a 2-digit province code and names the parameter of anything else', () => {
    const pipe = new ParseProvinceCodePipe();
    expect(pipe.transform('38', param('province'))).toBe('38');
    for (const bad of ['3', '381', 'ab', "38'--", undefined]) {
      let error: unknown;
      try {
        pipe.transform(bad, param('province'));
      } catch (e) {
        error = e;
      }
      expect(toProblem(error)).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Validation failed', fields: [{ field: 'province', reason: 'province must be the 2-digit official province code' }] });
    }
  });
});
