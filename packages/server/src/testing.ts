// @tessera/server/testing — a real Tessera server for the tests of code that talks to it (clients, guards, apps):
// started on a free port with an injected clock, and a cookie jar that handles Set-Cookie the way a browser does.
// For tests only; a production program never imports it.
export { signUp, startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer, type TestServerOptions } from './testing/start-test-server.js';
export { browserLikeFetch, CookieJar, type BrowserLikeFetch, type LoggedRequest } from './testing/cookie-jar.js';
export { SoftAuthenticator, type SoftCredential } from './testing/soft-authenticator.js';
