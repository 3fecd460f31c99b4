// Replaced at deployment time when the auth server lives on another origin, e.g.
//   window.TESSERA_CONFIG = { apiBaseUrl: 'https://auth.example.com' };
// By default the demo talks to the server that serves it.
window.TESSERA_CONFIG = window.TESSERA_CONFIG || {};
