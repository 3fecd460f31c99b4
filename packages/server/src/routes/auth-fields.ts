/**
 * The input rules of the auth operations, shared by the REST bodies and the GraphQL arguments so both refuse the
 * same oversized or mistyped input with the same sentence.
 */
export const credentialFields = {
  email: { type: 'string', required: true, maxLength: 320 },
  password: { type: 'string', required: true, maxLength: 1024 },
  transport: { type: 'string', oneOf: ['cookie', 'body'] },
} as const;
export const signupFields = { ...credentialFields, name: { type: 'string', maxLength: 400 } } as const;
export const refreshFields = { refreshToken: { type: 'string', maxLength: 256 } } as const;
export const passwordFields = {
  currentPassword: { type: 'string', required: true, maxLength: 1024 },
  newPassword: { type: 'string', required: true, maxLength: 1024 },
} as const;
/** One-time tokens are 43 base64url characters; a little slack, and core refuses any other shape as invalid_link. */
export const verifyEmailFields = { token: { type: 'string', required: true, maxLength: 128 } } as const;
export const passwordResetFields = { email: { type: 'string', required: true, maxLength: 320 } } as const;
export const passwordResetCompleteFields = {
  token: { type: 'string', required: true, maxLength: 128 },
  newPassword: { type: 'string', required: true, maxLength: 1024 },
} as const;
export const changeEmailFields = {
  newEmail: { type: 'string', required: true, maxLength: 320 },
  password: { type: 'string', required: true, maxLength: 1024 },
} as const;
