const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
const DURATION = /^(\d{1,9})(s|m|h|d)$/;

/**
 * Parses `30s`, `15m`, `1h`, `14d` into whole seconds. Anything else (no unit, a sign, a fraction, spaces)
 * is refused so that a typo in configuration stops the server instead of silently meaning something else.
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a duration; write a whole number and a unit, like 30s, 15m, 1h or 14d`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}
