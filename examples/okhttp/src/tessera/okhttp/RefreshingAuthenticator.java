package tessera.okhttp;

import java.io.IOException;
import java.util.Map;
import okhttp3.Authenticator;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * OkHttp calls authenticate() when a response is a 401. This one refreshes only when Tessera says
 * {@code token_expired}, refreshes at most once however many calls fail together, and retries each call once.
 *
 * <p>Why synchronised: every refresh rotates the refresh token. Without the lock, eight calls that fail at the
 * same moment send eight refreshes; the server's grace window keeps such a client logged in, but every
 * refresh is a round trip and a rotation, and a client that keeps whichever answer arrives last can end up
 * holding an older generation than the newest one. With the lock, the first thread refreshes; each thread
 * that waited finds that the stored access token is no longer the one its request carried and simply retries
 * with the new one.
 */
final class RefreshingAuthenticator implements Authenticator {
  private final AuthApi api;
  private final TokenStore store;
  private final Object refreshLock = new Object();
  /** The error code of the last refresh that failed, for the demo's output; null after a success. */
  volatile String lastRefreshError;

  RefreshingAuthenticator(AuthApi api, TokenStore store) {
    this.api = api;
    this.store = store;
  }

  @Override
  public Request authenticate(Route route, Response response) throws IOException {
    // One retry per call: a 401 on the retry means the fresh token was refused too, so stop instead of looping.
    if (response.priorResponse() != null) return null;
    // Only an expired token is worth a refresh; invalid_token (a revoked session, a withdrawn key) is not.
    if (!"token_expired".equals(errorCode(response))) return null;
    String sent = AuthInterceptor.accessTokenOf(response.request());
    if (sent == null) return null;

    synchronized (refreshLock) {
      Tokens current = store.get();
      // Signed out meanwhile (another thread's refresh got invalid_grant, or a logout): nothing to refresh with.
      if (current == null) return null;
      // Another thread refreshed while this one waited: retry with its token, no second refresh.
      // (With DPoP, authorize() signs a new proof for the retry: the first attempt's proof has been spent.)
      if (!current.accessToken.equals(sent)) return AuthInterceptor.authorize(response.request(), current, api.signer);

      long sentAt = System.currentTimeMillis();
      AuthApi.Answer answer = api.refresh(current);
      if (answer.ok()) {
        Tokens next = Tokens.fromBody(answer.body, sentAt);
        store.set(next);
        lastRefreshError = null;
        return AuthInterceptor.authorize(response.request(), next, api.signer);
      }
      lastRefreshError = answer.error();
      // The session is over (logged out elsewhere, expired, revoked, or ended by the server because its refresh
      // token was used without this device's key): forget the tokens so no later call tries again, and hand the
      // 401 to the caller, who shows the login screen.
      if ("invalid_grant".equals(answer.error())) store.clear();
      // Anything else (429, 503) keeps the tokens: the next call may refresh once the server is back.
      return null;
    }
  }

  /** The {@code error} of a Tessera JSON error body, read without consuming the body the caller will get. */
  static String errorCode(Response response) throws IOException {
    Map<String, Object> body = AuthApi.readBody(response.peekBody(16 * 1024));
    Object code = body.get("error");
    return code instanceof String ? (String) code : null;
  }
}
