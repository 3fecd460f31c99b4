import { DEFAULT_CHALLENGE_TTL_SECONDS, passkeySettingsProblems, type PasskeySettings } from './settings.js';

export type ResolvedPasskeySettings = Readonly<Required<PasskeySettings>>;

/** Validates once and fills in defaults; a bad setting throws a RangeError naming every problem. */
export function resolvePasskeySettings(settings: PasskeySettings): ResolvedPasskeySettings {
  const problems = passkeySettingsProblems(settings);
  if (problems.length > 0) throw new RangeError(`Passkey settings: ${problems.join('; ')}.`);
  return Object.freeze({
    rpId: settings.rpId,
    rpName: settings.rpName,
    origins: Object.freeze([...settings.origins]),
    challengeTtlSeconds: settings.challengeTtlSeconds ?? DEFAULT_CHALLENGE_TTL_SECONDS,
  });
}
