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
 * fails can never start a refresh of its own.
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
  /** How many refresh requests this process has sent; the demo prints it so a test can count them. */
  final AtomicInteger refreshesSent = new AtomicInteger();

  AuthApi(OkHttpClient http, HttpUrl baseUrl) {
    this.http = http;
    this.baseUrl = baseUrl;
  }

  Answer signup(String email, String password) throws IOException {
    return post("/auth/signup", Json.object("email", email, "password", password, "transport", "body"), null);
  }

  Answer login(String email, String password) throws IOException {
    return post("/auth/login", Json.object("email", email, "password", password, "transport", "body"), null);
  }

  Answer refresh(String refreshToken) throws IOException {
    refreshesSent.incrementAndGet();
    return post("/auth/refresh", Json.object("refreshToken", refreshToken), null);
  }

  /** Ends this session (its refresh token names it). */
  Answer logout(String refreshToken) throws IOException {
    return post("/auth/logout", Json.object("refreshToken", refreshToken), null);
  }

  /** Ends every session of the user, as "log out everywhere" on another device does. */
  Answer logoutAll(String accessToken) throws IOException {
    return post("/auth/logout-all", Collections.<String, Object>emptyMap(), accessToken);
  }

  HttpUrl url(String path) {
    return baseUrl.resolve(path);
  }

  private Answer post(String path, Map<String, Object> json, String bearer) throws IOException {
    Request.Builder request = new Request.Builder().url(url(path)).post(RequestBody.create(JSON, Json.write(json)));
    if (bearer != null) request.header("Authorization", "Bearer " + bearer);
    try (Response response = http.newCall(request.build()).execute()) {
      return new Answer(response.code(), readBody(response.body()));
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
