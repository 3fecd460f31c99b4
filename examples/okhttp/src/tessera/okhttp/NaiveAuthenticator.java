package tessera.okhttp;

import java.io.IOException;
import okhttp3.Authenticator;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * The Authenticator as most Android posts write it: no lock, so every thread that meets a 401 refreshes with
 * whatever refresh token it sees at that moment, and the last answer to arrive wins the store. Threads race
 * with tokens of several generations; Tessera's grace window answers each of them with the session's current
 * successor, so such an app stays logged in. Kept here to show that, not as a model: prefer
 * {@link RefreshingAuthenticator}.
 */
final class NaiveAuthenticator implements Authenticator {
  private final AuthApi api;
  private final TokenStore store;

  NaiveAuthenticator(AuthApi api, TokenStore store) {
    this.api = api;
    this.store = store;
  }

  @Override
  public Request authenticate(Route route, Response response) throws IOException {
    if (response.priorResponse() != null) return null;
    Tokens tokens = store.get();
    if (tokens == null) return null;
    long sentAt = System.currentTimeMillis();
    AuthApi.Answer answer = api.refresh(tokens);
    if (!answer.ok()) return null;
    Tokens next = Tokens.fromBody(answer.body, sentAt);
    store.set(next);
    return AuthInterceptor.authorize(response.request(), next, api.signer);
  }
}
