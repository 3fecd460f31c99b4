/** Input rules of the two-factor operations, shared by the REST bodies and the OpenAPI document. */
export const twoFactorCodeFields = { code: { type: 'string', required: true, maxLength: 16 } } as const;
/** Disabling the factor and new recovery codes: exactly one of a fresh code, a recovery code or the password. */
export const twoFactorStepUpFields = {
  code: { type: 'string', maxLength: 16 },
  recoveryCode: { type: 'string', maxLength: 64 },
  password: { type: 'string', maxLength: 1024 },
} as const;
export const twoFactorVerifyFields = {
  challenge: { type: 'string', required: true, maxLength: 128 },
  code: { type: 'string', maxLength: 16 },
  recoveryCode: { type: 'string', maxLength: 64 },
  transport: { type: 'string', oneOf: ['cookie', 'body'] },
} as const;
