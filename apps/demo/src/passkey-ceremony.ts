import { startAuthentication, startRegistration } from '@simplewebauthn/browser';

// The browser half of the passkey ceremonies, handed to @tessera/client (which carries no WebAuthn code itself).
export const createPasskey = (optionsJSON: Parameters<typeof startRegistration>[0]['optionsJSON']) => startRegistration({ optionsJSON });
export const getPasskey = (optionsJSON: Parameters<typeof startAuthentication>[0]['optionsJSON']) => startAuthentication({ optionsJSON });
