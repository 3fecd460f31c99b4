package tessera.okhttp;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Tessera's /auth endpoints with the native body transport: the refresh token travels in JSON bodies, never in
 * a cookie, and needs no CSRF token. It uses an OkHttpClient WITHOUT the authenticator, so an auth call that
 * fails can never start a refresh of its own. With a DPoP signer, signup, login and refresh carry proofs.
 */
final class AuthApi {
  private static final MediaType JSON = MediaType.parse("application/json; charset=utf-8");

  /** A status and the JSON body (empty for a 204 or a body that is not JSON). */
  static final class Answer {
    final int status;
    final Map<String, Object> body;

    Answer(int status, Map<String, Object> body) {
      this.status = status;
      this.body = body;
    }

    boolean ok() {
      return status == 200 || status == 201;
    }

    /** The contract's error code, e.g. {@code invalid_grant}, or null. */
    String error() {
      Object code = body.get("error");
      return code instanceof String ? (String) code : null;
    }
  }

  private final OkHttpClient http;
  private final HttpUrl baseUrl;
  /** The device key's signer, or null: then signup and login make bearer sessions. */
  final DpopSigner signer;
  /** How many refresh requests this process has sent; the demo prints it so a test can count them. */
  final AtomicInteger refreshesSent = new AtomicInteger();

  /** With a signer, every response through {@link #client()} tells the signer the server's latest nonce. */
  AuthApi(OkHttpClient http, HttpUrl baseUrl, DpopSigner signer) {
    this.http = signer == null ? http : http.newBuilder().addNetworkInterceptor(signer.nonceCatcher()).build();
    this.baseUrl = baseUrl;
    this.signer = signer;
  }

  /** The client this API uses (no authenticator); API clients are built from it so they share its nonce catcher. */
  OkHttpClient client() {
    return http;
  }

  /** With a signer, signup sends a proof and the new session is bound to the key (tokenType DPoP). */
  Answer signup(String email, String password) throws IOException {
    return post("/auth/signup", Json.object("email", email, "password", password, "transport", "body"), null, signer);
  }

  Answer login(String email, String password) throws IOException {
    return post("/auth/login", Json.object("email", email, "password", password, "transport", "body"), null, signer);
  }

  /**
   * Refreshes a session. A bound one needs a proof by its key: without one, or with another key, the server
   * takes the refresh token for stolen and ends the session.
   */
  Answer refresh(Tokens tokens) throws IOException {
    refreshesSent.incrementAndGet();
    DpopSigner proof = tokens.dpopBound ? signer : null;
    return post("/auth/refresh", Json.object("refreshToken", tokens.refreshToken), null, proof);
  }

  /** Ends this session (its refresh token names it). */
  Answer logout(String refreshToken) throws IOException {
    return post("/auth/logout", Json.object("refreshToken", refreshToken), null, null);
  }

  /** Ends every session of the user, as "log out everywhere" on another device does. */
  Answer logoutAll(Tokens tokens) throws IOException {
    return post("/auth/logout-all", Collections.<String, Object>emptyMap(), tokens, null);
  }

  HttpUrl url(String path) {
    return baseUrl.resolve(path);
  }

  /**
   * POSTs JSON. {@code tokens}: an authorised call (Bearer, or DPoP with a proof); {@code proofSigner}: a proof
   * for a token request (signup, login, refresh). A token request refused for lacking the server's nonce is sent
   * once more with a new proof carrying it (RFC 9449 section 8): the refusal happens before the server looks at the
   * body, so the refresh token has not been spent.
   */
  private Answer post(String path, Map<String, Object> json, Tokens tokens, DpopSigner proofSigner) throws IOException {
    Request.Builder builder = new Request.Builder().url(url(path)).post(RequestBody.create(JSON, Json.write(json)));
    // Whose nonce memory a retry relies on: the token request's signer, or the bound session's.
    DpopSigner retrySigner = proofSigner != null ? proofSigner : tokens != null && tokens.dpopBound ? signer : null;
    for (int attempt = 1; ; attempt++) {
      // Built anew for each attempt: every attempt needs its own proof (the server accepts a jti once).
      Request request = builder.build();
      if (tokens != null) request = AuthInterceptor.authorize(request, tokens, signer);
      if (proofSigner != null) {
        request = request.newBuilder().header("DPoP", proofSigner.proof("POST", request.url(), null)).build();
      }
      try (Response response = http.newCall(request).execute()) {
        if (attempt == 1 && retrySigner != null && DpopSigner.asksForNonce(response)) {
          retrySigner.nonceRetries.incrementAndGet();
          continue;
        }
        return new Answer(response.code(), readBody(response.body()));
      }
    }
  }

  static Map<String, Object> readBody(ResponseBody body) throws IOException {
    String text = body == null ? "" : body.string();
    try {
      return text.isEmpty() ? Collections.<String, Object>emptyMap() : Json.parseObject(text);
    } catch (IllegalArgumentException notJson) {
      return Collections.emptyMap();
    }
  }
}
