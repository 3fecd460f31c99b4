import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The GraphQL face of the auth API. Its types mirror the REST shapes; every field resolves through the same
 * @tessera/core operation as the matching REST route. Root fields are nullable on purpose: one failing field
 * (a wrong password among several aliased logIns) is reported on its own, with its code in
 * `errors[].extensions.code`, and never cancels or hides its siblings.
 */
export const SCHEMA_SDL = /* GraphQL */ `
"A user as the API shows it; never the password hash."
type User {
  id: ID!
  email: String!
  name: String
  "ISO 8601"
  createdAt: String!
  "Whether the email is verified (me and changeEmail); null while email verification is off, and on other answers."
  emailVerified: Boolean
}

"One signed-in device. The id is the sid of its access tokens."
type Session {
  id: ID!
  "Whether this is the session of the access token that asked."
  current: Boolean!
  createdAt: String!
  lastUsedAt: String!
  userAgent: String
  ip: String
  "Whether the session is bound to its device's key (DPoP): its tokens work nowhere else."
  deviceBound: Boolean!
}

"Where the refresh token travels: the httpOnly cookie (browsers) or the response body (native apps)."
enum Transport {
  COOKIE
  BODY
}

"The answer of signUp, logIn and verifyTwoFactor, as POST /auth/signup, /auth/login and /auth/two-factor/verify give it."
type AuthPayload {
  user: User!
  accessToken: String!
  tokenType: String!
  "Seconds until the access token expires."
  expiresIn: Int!
  csrfToken: String!
  "Only for transport BODY; with COOKIE the token is in the tessera_refresh cookie and this is null."
  refreshToken: String
}

"The answer of refresh, as POST /auth/refresh gives it."
type TokenPayload {
  accessToken: String!
  tokenType: String!
  expiresIn: Int!
  csrfToken: String!
  "Only when the refresh token came as an argument; a cookie refresh rotates the cookie instead."
  refreshToken: String
}

"The caller's second factor, as GET /auth/two-factor gives it."
type TwoFactorStatus {
  enabled: Boolean!
  "An enrolment waits for its first code; it protects nothing yet."
  pending: Boolean!
  recoveryCodesLeft: Int!
}

"A pending TOTP enrolment: show otpauthUri as a QR code; secret is the same key for typing in."
type TwoFactorEnrollment {
  otpauthUri: String!
  secret: String!
}

"Ten recovery codes, shown this once: only their hashes are kept."
type RecoveryCodes {
  recoveryCodes: [String!]!
}

type Query {
  "The caller (Bearer)."
  me: User
  "The caller's active sessions (Bearer)."
  sessions: [Session!]
  "The caller's second factor (Bearer)."
  twoFactor: TwoFactorStatus
}

type Mutation {
  signUp(email: String!, password: String!, name: String, transport: Transport = COOKIE): AuthPayload
  logIn(email: String!, password: String!, transport: Transport = COOKIE): AuthPayload
  "Finishes the logIn of an account with a second factor: the challenge from extensions.twoFactor, and a code from the authenticator app or one recovery code. As POST /auth/two-factor/verify."
  verifyTwoFactor(challenge: String!, code: String, recoveryCode: String, transport: Transport = COOKIE): AuthPayload
  "With refreshToken (native apps), or the refresh cookie plus the X-CSRF-Token header (browsers, at /auth/graphql)."
  refresh(refreshToken: String): TokenPayload
  "Ends the session of refreshToken, of the refresh cookie (with X-CSRF-Token), or of the Bearer token; true even when there was none."
  logOut(refreshToken: String): Boolean
  "Ends every session of the caller (Bearer)."
  logOutAll: Boolean
  "Every other session of the caller ends (Bearer)."
  changePassword(currentPassword: String!, newPassword: String!): Boolean
  "Ends one of the caller's sessions (Bearer); not_found for a session that is not theirs."
  revokeSession(id: ID!): Boolean
  "Starts a TOTP enrolment (Bearer), as POST /auth/two-factor/enroll; two_factor_enabled while one is on."
  enrollTwoFactor: TwoFactorEnrollment
  "Turns the pending enrolment on with the app's first code (Bearer), as POST /auth/two-factor/confirm."
  confirmTwoFactor(code: String!): RecoveryCodes
  "Turns the second factor off (Bearer) with exactly one of a fresh code, a recovery code or the password."
  disableTwoFactor(code: String, recoveryCode: String, password: String): Boolean
  "Replaces every recovery code (Bearer), with the same proof as disableTwoFactor."
  regenerateRecoveryCodes(code: String, recoveryCode: String, password: String): RecoveryCodes
  "Verifies the email with the token of the verification mail, as POST /auth/verify-email; invalid_link when used or expired."
  verifyEmail(token: String!): Boolean
  "Mails the caller a new verification link (Bearer); false when the email is already verified."
  resendVerification: Boolean
  "Mails a reset link when an account uses this email; true either way, so the answer tells nobody which emails have accounts."
  requestPasswordReset(email: String!): Boolean
  "Sets a new password with the token of the reset mail; every session of the account ends."
  completePasswordReset(token: String!, newPassword: String!): Boolean
  "Changes the caller's email (Bearer) with the password; the new address is unverified until its own link."
  changeEmail(newEmail: String!, password: String!): User
}
`;

export function buildAuthSchema(): GraphQLSchema {
  return buildSchema(SCHEMA_SDL);
}
