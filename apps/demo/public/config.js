// Replaced at deployment time when the auth server lives on another origin, e.g.
//   window.TESSERA_CONFIG = { apiBaseUrl: 'https://auth.example.com' };
// or when the Get number page should call another service of yours (examples/express-api), e.g.
//   window.TESSERA_CONFIG = { numberUrl: 'http://localhost:4000/getnumber' };
// (`tessera serve` writes that one itself when TESSERA_DEMO_NUMBER_URL is set.)
// By default the demo talks to the server that serves it.
window.TESSERA_CONFIG = window.TESSERA_CONFIG || {};
