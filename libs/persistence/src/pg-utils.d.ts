// pg's own helper for parameters, which its typings leave out: the service client maps the values
// of a statement it holds the way pg maps any statement's.
declare module 'pg/lib/utils' {
  /** A parameter as pg puts it on the wire: text, a Buffer, or null. */
  export function prepareValue(value: unknown): unknown;
}
