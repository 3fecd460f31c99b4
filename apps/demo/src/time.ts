const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
const day = new Intl.DateTimeFormat('en', { dateStyle: 'long' });

type When = string | number | Date;

/** "just now", "5 minutes ago", "yesterday". */
export function timeAgo(when: When, now = Date.now()): string {
  const seconds = Math.round((new Date(when).getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [['minute', 60], ['hour', 3600], ['day', 86400], ['month', 2592000], ['year', 31536000]];
  let chosen = steps[0]!;
  for (const step of steps) if (Math.abs(seconds) >= step[1]) chosen = step;
  return relative.format(Math.round(seconds / chosen[1]), chosen[0]);
}

export const dateTime = (when: When): string => absolute.format(new Date(when));
export const longDate = (when: When): string => day.format(new Date(when));
