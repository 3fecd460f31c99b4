// @tessera/core/two-factor — TOTP (RFC 6238 over otpauth), recovery codes, login challenges and the sealing of
// TOTP secrets at rest. The operations that use them are on `createAuth(…).twoFactor`.
export { CHALLENGE_TTL_SECONDS, challengeHash, createChallenge } from './two-factor/challenge.js';
export { createRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './two-factor/recovery-codes.js';
export { openTotpSecret, sealTotpSecret } from './two-factor/secret-box.js';
export { createTotpSecret, matchTotp, TOTP_DIGITS, TOTP_PERIOD_SECONDS, totpStepAt, totpUri } from './two-factor/totp.js';
