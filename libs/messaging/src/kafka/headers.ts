import type { IHeaders } from 'kafkajs';

/** A message header as text (the first value of a repeated one), or null when the message has none. */
export function headerText(headers: IHeaders | undefined, name: string): string | null {
  const value = headers?.[name];
  if (value === undefined) return null;
  return (Array.isArray(value) ? value[0] : value)?.toString() ?? null;
}
