import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMMUNE_CODE = /^[0-9]{5}$/;
const PROVINCE_CODE = /^[0-9]{2}$/;

function invalid(metadata: ArgumentMetadata, fallback: string, reason: string): BadRequestException {
  const field = metadata.data ?? fallback;
  return new BadRequestException({ message: 'Validation failed', fields: [{ field, reason: `${field} ${reason}` }] });
}

/** A record id in the path: 400 naming the parameter when it is not a UUID (never a 500 from the database). */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && UUID.test(value)) return value;
    throw invalid(metadata, 'id', 'must be a UUID');
  }
}

/** A commune code in the path: 400 naming the parameter unless it is the 5-digit official code. */
@Injectable()
export class ParseCommuneCodePipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && COMMUNE_CODE.test(value)) return value;
    throw invalid(metadata, 'code', 'must be the 5-digit official commune code');
  }
}

/** A province code in the path: 400 naming the parameter unless it is the 2-digit official code. */
@Injectable()
export class ParseProvinceCodePipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && PROVINCE_CODE.test(value)) return value;
    throw invalid(metadata, 'province', 'must be the 2-digit official province code');
  }
}
