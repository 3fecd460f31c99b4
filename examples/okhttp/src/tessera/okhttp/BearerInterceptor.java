package tessera.okhttp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Adds {@code Authorization: Bearer <access token>} to every API request, reading the token at the moment the
 * request leaves, so a request made after a refresh carries the new one. Installed with addInterceptor: it sees
 * each call once, and the Authenticator sets the header itself on the retry it builds.
 */
final class BearerInterceptor implements Interceptor {
  private final TokenStore store;

  BearerInterceptor(TokenStore store) {
    this.store = store;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Tokens tokens = store.get();
    if (tokens == null || request.header("Authorization") != null) return chain.proceed(request);
    return chain.proceed(withBearer(request, tokens.accessToken));
  }

  static Request withBearer(Request request, String accessToken) {
    return request.newBuilder().header("Authorization", "Bearer " + accessToken).build();
  }

  /** The access token a request carried, or null. */
  static String bearerOf(Request request) {
    String header = request.header("Authorization");
    return header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()) : null;
  }
}
