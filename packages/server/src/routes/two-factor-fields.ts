/** Input rules of the two-factor operations, shared by the REST bodies and the OpenAPI document. */
export const twoFactorCodeFields = { code: { type: 'string', required: true, maxLength: 16 } } as const;
export const twoFactorDisableFields = {
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
