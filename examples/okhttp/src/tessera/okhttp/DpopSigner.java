package tessera.okhttp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Makes the DPoP proofs (RFC 9449 section 4) of one device key: a new one for every request, and every attempt of a
 * request, because the server accepts a proof's {@code jti} once. It also remembers the server's nonce
 * (section 8, section 9): the last {@code DPoP-Nonce} header of any response, per origin, goes into the next proofs.
 */
final class DpopSigner {
  private final DpopKey key;
  private final SecureRandom random = new SecureRandom();
  /** The last DPoP-Nonce each origin sent; a server that never sends one gets proofs without a nonce. */
  private final Map<String, String> nonces = new ConcurrentHashMap<>();
  /** Responses that carried a DPoP-Nonce header, and requests sent again because the server asked for a nonce. */
  final AtomicInteger noncesSeen = new AtomicInteger();
  final AtomicInteger nonceRetries = new AtomicInteger();

  DpopSigner(DpopKey key) {
    this.key = key;
  }

  DpopKey key() {
    return key;
  }

  /**
   * A proof for one request: {@code htm} its method, {@code htu} its URL without query and fragment, a random
   * {@code jti}, {@code iat} now in seconds; {@code ath} (the access token's SHA-256) when the request carries
   * one, and the origin's last nonce when there is one.
   */
  String proof(String method, HttpUrl url, String accessToken) {
    Map<String, Object> header = Json.object("typ", "dpop+jwt", "alg", "ES256", "jwk", key.publicJwk());
    Map<String, Object> claims = Json.object(
        "jti", randomId(),
        "htm", method,
        "htu", htu(url),
        "iat", System.currentTimeMillis() / 1000);
    if (accessToken != null) claims.put("ath", DpopKey.base64url(sha256(accessToken)));
    String nonce = nonces.get(origin(url));
    if (nonce != null) claims.put("nonce", nonce);
    String input = encode(header) + "." + encode(claims);
    try {
      return input + "." + DpopKey.base64url(key.sign(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      // A Keystore key can be invalidated (say, the lock screen was removed): the app has to log in again.
      throw new IllegalStateException("the DPoP key could not sign", e);
    }
  }

  /** Remembers the response's DPoP-Nonce, if any, for the next proofs to its origin. */
  void remember(Response response) {
    String nonce = response.header("DPoP-Nonce");
    if (nonce == null || nonce.isEmpty()) return;
    noncesSeen.incrementAndGet();
    nonces.put(origin(response.request().url()), nonce);
  }

  /**
   * A network interceptor that feeds every response's DPoP-Nonce to {@link #remember}. Network level, so it also
   * sees the 401s that the Authenticator answers and the caller never gets.
   */
  Interceptor nonceCatcher() {
    return new Interceptor() {
      @Override
      public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        remember(response);
        return response;
      }
    };
  }

  /**
   * Whether the server refused a proof for lacking its current nonce and sent one to use: a resource server
   * answers 401 with {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} (section 9), an authorization server an
   * error body {@code {"error":"use_dpop_nonce"}} (section 8; 400 there, 401 in Tessera's catalog). Without a new
   * {@code DPoP-Nonce} a retry could not do better, so it is not worth one.
   */
  static boolean asksForNonce(Response response) throws IOException {
    if (response.code() != 401 && response.code() != 400) return false;
    if (response.header("DPoP-Nonce") == null) return false;
    for (String challenge : response.headers("WWW-Authenticate")) {
      if (challenge.regionMatches(true, 0, "DPoP", 0, 4) && challenge.contains("use_dpop_nonce")) return true;
    }
    return "use_dpop_nonce".equals(RefreshingAuthenticator.errorCode(response));
  }

  /** RFC 9449 section 4.2: the target URI without query and fragment. */
  static String htu(HttpUrl url) {
    return url.newBuilder().query(null).fragment(null).build().toString();
  }

  private static String origin(HttpUrl url) {
    return url.scheme() + "://" + url.host() + ":" + url.port();
  }

  private String randomId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return DpopKey.base64url(bytes);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  private static String encode(Map<String, Object> json) {
    return DpopKey.base64url(Json.write(json).getBytes(StandardCharsets.UTF_8));
  }
}
