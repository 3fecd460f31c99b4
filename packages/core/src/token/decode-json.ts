import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Where segments are decoded before they become a string: decoding is synchronous and the bytes are copied out
 * at once, so one buffer serves every call instead of a fresh Buffer per token. Longer segments get their own.
 */
const scratch = Buffer.allocUnsafeSlow(8192);

/**
 * The text a canonical base64url segment encodes, or undefined when its bytes are not well-formed UTF-8 (a parser
 * differential: jose refuses them, a lenient decoder would substitute U+FFFD).
 */
export function decodeSegmentText(segment: string): string | undefined {
  const bytes = segment.length <= (scratch.length / 3) * 4 ? scratch.subarray(0, scratch.write(segment, 0, 'base64url')) : Buffer.from(segment, 'base64url');
  // Token JSON is almost always ASCII, where latin1 is the same text and the cheapest string to build.
  if (isAscii(bytes)) return bytes.toString('latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

/**
 * Parses JSON text that must be a plain object. Returns undefined for anything else: JSON that does not parse
 * (including a RangeError from pathological nesting, which must become an ordinary refusal and never crash the
 * caller) and JSON values that are not plain objects.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/** A canonical base64url segment holding a JSON object, parsed; undefined for anything else (see above). */
export function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  const text = decodeSegmentText(segment);
  return text === undefined ? undefined : parseJsonObject(text);
}
