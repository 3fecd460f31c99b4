package tessera.okhttp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Adds the access token to every API request, reading it at the moment the request leaves, so a request made
 * after a refresh carries the new one: {@code Authorization: Bearer <token>} for a bearer session, and for a
 * session bound to the device key {@code Authorization: DPoP <token>} with a new {@code DPoP} proof for this
 * method, URL and token. Installed with addInterceptor: it sees each call once, and the Authenticator builds
 * the retry it asks for (with its own fresh proof) through {@link #authorize}.
 */
final class AuthInterceptor implements Interceptor {
  private final TokenStore store;
  /** The device key's signer; null for a client that only ever has bearer sessions. */
  private final DpopSigner signer;

  AuthInterceptor(TokenStore store, DpopSigner signer) {
    this.store = store;
    this.signer = signer;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Tokens tokens = store.get();
    if (tokens == null || request.header("Authorization") != null) return chain.proceed(request);
    Response response = chain.proceed(authorize(request, tokens, signer));
    // RFC 9449 section 9: the server wants its nonce in the proof and sent it (the signer has remembered it): send the
    // call once more with a new proof. Once only, so a server that keeps asking cannot make the app loop.
    if (!tokens.dpopBound || !DpopSigner.asksForNonce(response)) return response;
    // The token may have been refreshed meanwhile (by the Authenticator, below this interceptor).
    Tokens current = store.get();
    if (current == null) return response;
    response.close();
    signer.nonceRetries.incrementAndGet();
    return chain.proceed(authorize(request, current, signer));
  }

  /**
   * The request with the session's access token: Bearer, or DPoP with a new proof (a fresh {@code jti}, so
   * every attempt, the Authenticator's retries included, gets one the server has not seen).
   */
  static Request authorize(Request request, Tokens tokens, DpopSigner signer) {
    Request.Builder builder = request.newBuilder();
    if (!tokens.dpopBound) {
      return builder.header("Authorization", "Bearer " + tokens.accessToken).removeHeader("DPoP").build();
    }
    if (signer == null) throw new IllegalStateException("a DPoP-bound session needs the device key to sign proofs");
    return builder
        .header("Authorization", "DPoP " + tokens.accessToken)
        .header("DPoP", signer.proof(request.method(), request.url(), tokens.accessToken))
        .build();
  }

  /** The access token a request carried, under either scheme, or null. */
  static String accessTokenOf(Request request) {
    String header = request.header("Authorization");
    if (header == null) return null;
    for (String scheme : new String[] {"Bearer ", "DPoP "}) {
      if (header.regionMatches(true, 0, scheme, 0, scheme.length())) return header.substring(scheme.length());
    }
    return null;
  }
}
