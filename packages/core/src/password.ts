// @tessera/core/password — hashing (argon2id, bcrypt for imported hashes), the work limiter, the password policy.
// The only entry that loads native modules (@node-rs/argon2, @node-rs/bcrypt).
export { ARGON2_PARAMS, hashPassword, verifyPassword } from './password/hash.js';
export {
  configurePasswordWork,
  defaultPasswordWorkLimits,
  passwordWorkStats,
  type PasswordWorkLimits,
  type PasswordWorkStats,
} from './password/password-work.js';
export { checkPasswordPolicy, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password/policy.js';
export { isCommonPassword } from './password/common-passwords.js';
