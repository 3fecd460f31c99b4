import { isUtf8 } from 'node:buffer';

/**
 * Decodes a canonical base64url segment holding a JSON object. Returns undefined for anything else: bytes that
 * are not well-formed UTF-8 (a parser differential — jose refuses them, a lenient decoder would substitute
 * U+FFFD), JSON that does not parse (including a RangeError from pathological nesting, which must become an
 * ordinary refusal and never crash the caller), and JSON values that are not plain objects.
 */
export function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  if (!isUtf8(bytes)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}
