export interface ServiceCheck {
  /** A person's name for the service: 'PostgreSQL', 'MySQL/MariaDB', 'Redis'. */
  service: string;
  /** The variable that sets the URL, named in the skip line. */
  envVar: string;
  url: string;
  /** Resolves when the service answers; rejects otherwise. */
  probe: () => Promise<void>;
}

/** The URL without its password, fit for a log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable URL>';
  }
}

/**
 * Whether a suite that needs an external service can run. When the service is unreachable it prints ONE loud
 * warning line and resolves `false` (the caller skips), unless `CI` is set: then it rejects, failing the file,
 * because a CI run that silently skips its database suites proves nothing.
 */
export async function serviceAvailable(check: ServiceCheck): Promise<boolean> {
  try {
    await check.probe();
    return true;
  } catch (error) {
    const reason = rootCode(error) ?? 'no answer';
    const line =
      `${check.service} is unreachable at ${redactUrl(check.url)} (${reason}); ` +
      `start it or set ${check.envVar}`;
    if (process.env.CI) throw new Error(`${line} — CI is set, so the ${check.service} suite fails instead of skipping.`, { cause: error });
    console.warn(`⚠️  SKIPPING the ${check.service} suite: ${line}.`);
    return false;
  }
}

/** The innermost `code` along the `cause` chain (ECONNREFUSED rather than a wrapper's 'unavailable'). */
function rootCode(error: unknown): string | undefined {
  let code: string | undefined;
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth += 1) {
    if ('code' in e && (typeof e.code === 'string' || typeof e.code === 'number')) code = String(e.code);
  }
  return code;
}
