package tessera.okhttp;

import java.util.Map;

/** One login's credentials as Tessera hands them out: replaced whole after every refresh, never edited. */
final class Tokens {
  final String accessToken;
  final String refreshToken;
  /** When the access token expires by this device's clock (receipt time + {@code expiresIn}). */
  final long accessExpiresAtMillis;
  /**
   * {@code tokenType: "DPoP"}: the session is bound to this device's key. Its access token goes out as
   * {@code Authorization: DPoP} with a proof, and every refresh needs a proof by the same key.
   */
  final boolean dpopBound;

  Tokens(String accessToken, String refreshToken, long accessExpiresAtMillis, boolean dpopBound) {
    this.accessToken = accessToken;
    this.refreshToken = refreshToken;
    this.accessExpiresAtMillis = accessExpiresAtMillis;
    this.dpopBound = dpopBound;
  }

  /** From a signup, login or refresh answer made with {@code transport: "body"}. */
  static Tokens fromBody(Map<String, Object> body, long receivedAtMillis) {
    Object access = body.get("accessToken");
    Object refresh = body.get("refreshToken");
    Object expiresIn = body.get("expiresIn");
    if (!(access instanceof String) || !(refresh instanceof String) || !(expiresIn instanceof Number)) {
      throw new IllegalArgumentException("the answer has no accessToken, refreshToken and expiresIn");
    }
    // Token types are case-insensitive (RFC 6749 section 5.1); anything but DPoP is a bearer token.
    boolean dpop = "DPoP".equalsIgnoreCase(String.valueOf(body.get("tokenType")));
    long expiresAt = receivedAtMillis + ((Number) expiresIn).longValue() * 1000;
    return new Tokens((String) access, (String) refresh, expiresAt, dpop);
  }
}
