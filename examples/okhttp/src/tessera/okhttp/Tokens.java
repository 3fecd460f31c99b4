package tessera.okhttp;

import java.util.Map;

/** One login's credentials as Tessera hands them out: replaced whole after every refresh, never edited. */
final class Tokens {
  final String accessToken;
  final String refreshToken;
  /** When the access token expires by this device's clock (receipt time + {@code expiresIn}). */
  final long accessExpiresAtMillis;

  Tokens(String accessToken, String refreshToken, long accessExpiresAtMillis) {
    this.accessToken = accessToken;
    this.refreshToken = refreshToken;
    this.accessExpiresAtMillis = accessExpiresAtMillis;
  }

  /** From a signup, login or refresh answer made with {@code transport: "body"}. */
  static Tokens fromBody(Map<String, Object> body, long receivedAtMillis) {
    Object access = body.get("accessToken");
    Object refresh = body.get("refreshToken");
    Object expiresIn = body.get("expiresIn");
    if (!(access instanceof String) || !(refresh instanceof String) || !(expiresIn instanceof Number)) {
      throw new IllegalArgumentException("the answer has no accessToken, refreshToken and expiresIn");
    }
    return new Tokens((String) access, (String) refresh, receivedAtMillis + ((Number) expiresIn).longValue() * 1000);
  }
}
