/** A user as the API returns it: never a password hash. `createdAt` is an ISO 8601 instant. */
export interface WireUser {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
}

/** One of the caller's sessions (`GET /auth/sessions`); `id` is the `sid` of its access tokens. */
export interface WireSession {
  id: string;
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  ip: string | null;
  /** Whether the session is bound to its device's key (DPoP): its tokens are refused anywhere that key is not. */
  deviceBound: boolean;
}

/** One of the caller's passkeys (`GET /auth/passkeys`): never its public key or counter. */
export interface WirePasskey {
  /** The credential id, base64url. */
  id: string;
  name: string;
  /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

/** What login, signup and refresh answer; `refreshToken` only with `transport: "body"`, `user` not on refresh. */
export interface TokenResponse {
  user?: WireUser;
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds. */
  expiresIn: number;
  csrfToken: string;
  refreshToken?: string;
}

/** `POST /auth/two-factor/enroll`: scan `otpauthUri` (as a QR code) or type `secret`; active after the first code. */
export interface TwoFactorEnrollment {
  otpauthUri: string;
  /** The same secret as in the URI, base32, for apps that cannot scan. */
  secret: string;
}

/** `POST /auth/two-factor/confirm`: the recovery codes, shown this once (only their hashes are kept). */
export interface TwoFactorConfirmation {
  recoveryCodes: string[];
}

/** `GET /auth/two-factor`. */
export interface TwoFactorStatus {
  enabled: boolean;
  /** An enrolment waits for its first code. */
  pending: boolean;
  recoveryCodesLeft: number;
}
