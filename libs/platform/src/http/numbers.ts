import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Decimal places of a number as JavaScript writes it, exponent notation included (2e-323 has 323, 1e21 none). */
export function decimalPlaces(value: number): number {
  const [mantissa, exponent = '0'] = String(value).toLowerCase().split('e');
  return Math.max(0, (mantissa.split('.')[1] ?? '').length - Number(exponent));
}

/**
 * A finite number with at most `places` decimal places. Use it instead of
 * `IsNumber({ maxDecimalPlaces })`, whose check throws on numbers JavaScript writes in exponent
 * notation (-2e-323: "Cannot read properties of undefined"), turning a bad value into a 500.
 */
export function IsDecimal(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDecimal',
      constraints: [places],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && decimalPlaces(value) <= places,
        defaultMessage: (args) => `${args?.property} must be a number with at most ${places} decimal places`,
      },
    },
    options,
  );
}
