/** Deepest nesting of arrays and objects a request body may have; ours are flat objects (depth 1). */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests deeper than `max`, found by one pass over the text before it is parsed: deeply nested
 * input is a stack-exhaustion and CPU attack on parsers and on whatever walks the parsed value. Brackets inside
 * strings do not count. Malformed text is left for JSON.parse to refuse.
 */
export function nestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i += 1;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) {
      depth -= 1;
    }
  }
  return false;
}
