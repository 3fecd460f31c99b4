package tessera.okhttp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.Authenticator;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Runs one scenario against a Tessera server and prints one JSON line per step:
 *
 * <pre>
 *   locked  sign up, call, let the token expire, call (one refresh, one retry), 8 threads after expiry (still
 *           one refresh), log out, call (refused, no refresh)
 *   naive   sign up, let the token expire, 8 threads through the lock-free Authenticator, then check the
 *           session is still alive, log out
 *   revoked sign up, "log out everywhere" from a second login, call (refused, no refresh), let the token
 *           expire, call (one refresh, invalid_grant, signed out, no loop), call again (no refresh)
 *   dpop    sign up bound to a device key, call, let the token expire, call (one refresh with a proof); a thief
 *           with copies of both tokens and another key is refused everywhere, and its refresh ends the
 *           session: the device's next refresh is refused too; a new login works
 * </pre>
 *
 * <p>{@code --dpop} runs locked, naive and revoked with sessions bound to a device key as well.
 */
public final class Demo {
  private static final String USAGE =
      "usage: Demo <locked|naive|revoked|dpop> <server-url> [--tolerance <seconds>] [--dpop]\n"
          + "  --tolerance  the server's TESSERA_CLOCK_TOLERANCE in seconds (default 5): how long past its expiry\n"
          + "               an access token is still accepted, so the demo knows how long to wait\n"
          + "  --dpop       bind the sessions to a device key (DPoP proofs); the dpop scenario always does";
  private static final String PASSWORD = "okhttp example passphrase";
  private static final int THREADS = 8;

  private final HttpUrl baseUrl;
  /** The plain client (no interceptors): every other client here is built from it and shares its pools. */
  private final OkHttpClient http;
  private final AuthApi api;
  private final TokenStore store = new TokenStore();
  private final long toleranceMillis;

  private Demo(HttpUrl baseUrl, long toleranceSeconds, DpopSigner signer) {
    this.baseUrl = baseUrl;
    this.http = new OkHttpClient.Builder()
        .connectTimeout(10, TimeUnit.SECONDS)
        .readTimeout(20, TimeUnit.SECONDS)
        .build();
    this.api = new AuthApi(http, baseUrl, signer);
    this.toleranceMillis = toleranceSeconds * 1000;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) exit(USAGE);
    HttpUrl baseUrl = HttpUrl.parse(args[1]);
    if (baseUrl == null) exit("not an http(s) URL: " + args[1]);
    long tolerance = 5;
    boolean dpop = args[0].equals("dpop");
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--dpop")) {
        dpop = true;
      } else if (args[i].equals("--tolerance") && i + 1 < args.length) {
        try {
          tolerance = Long.parseLong(args[++i]);
        } catch (NumberFormatException e) {
          exit("--tolerance takes a whole number of seconds");
        }
      } else {
        exit(USAGE);
      }
    }
    // The device key: made once per install (here: per run) and never sent anywhere; only its public half
    // travels, inside each proof.
    Demo demo = new Demo(baseUrl, tolerance, dpop ? new DpopSigner(DpopKey.generate()) : null);
    try {
      switch (args[0]) {
        case "locked": demo.locked(); break;
        case "naive": demo.naive(); break;
        case "revoked": demo.revoked(); break;
        case "dpop": demo.dpop(); break;
        default: exit(USAGE);
      }
    } catch (IOException e) {
      exit("could not reach " + baseUrl + ": " + e.getMessage());
    }
    // OkHttp's pools keep non-daemon threads alive for a while; the demo is done.
    System.exit(0);
  }

  /** The synchronised Authenticator: one refresh however many calls fail together. */
  private void locked() throws Exception {
    RefreshingAuthenticator authenticator = new RefreshingAuthenticator(api, store);
    OkHttpClient client = apiClient(authenticator);
    signup();
    print(call(client, "call"));
    waitForExpiry(store.get());
    print(call(client, "call_after_expiry"));
    waitForExpiry(store.get());
    print(burst(client));
    AuthApi.Answer logout = api.logout(store.get().refreshToken);
    store.clear();
    print(Json.object("step", "logout", "status", logout.status));
    print(call(client, "call_after_logout"));
  }

  /** The lock-free Authenticator of the Android posts: eight threads, eight refreshes, tokens of several generations. */
  private void naive() throws Exception {
    OkHttpClient client = apiClient(new NaiveAuthenticator(api, store));
    signup();
    waitForExpiry(store.get());
    print(burst(client));
    // The app goes on with whatever refresh token the last thread stored: its next refresh must still work.
    AuthApi.Answer refreshed = api.refresh(store.get());
    if (refreshed.ok()) store.set(Tokens.fromBody(refreshed.body, System.currentTimeMillis()));
    Map<String, Object> after = call(client, "call");
    print(Json.object("step", "session_alive", "refreshStatus", refreshed.status, "refreshError", refreshed.error(), "callStatus", after.get("status")));
    AuthApi.Answer logout = api.logout(store.get().refreshToken);
    store.clear();
    print(Json.object("step", "logout", "status", logout.status));
  }

  /** A session ended elsewhere: the Authenticator gives up after one refresh answered invalid_grant. */
  private void revoked() throws Exception {
    RefreshingAuthenticator authenticator = new RefreshingAuthenticator(api, store);
    OkHttpClient client = apiClient(authenticator);
    String email = signup();
    Tokens issued = store.get();
    AuthApi.Answer otherDevice = api.login(email, PASSWORD);
    if (!otherDevice.ok()) exit("the second login answered " + otherDevice.status + " " + otherDevice.error());
    AuthApi.Answer everywhere = api.logoutAll(Tokens.fromBody(otherDevice.body, System.currentTimeMillis()));
    print(Json.object("step", "logout_everywhere", "loginStatus", otherDevice.status, "status", everywhere.status));
    print(call(client, "call_after_revocation"));
    waitForExpiry(issued);
    Map<String, Object> expired = call(client, "call_after_expiry");
    expired.put("refreshError", authenticator.lastRefreshError);
    print(expired);
    print(call(client, "call_again"));
  }

  /**
   * Device-bound session and token theft: the thief has copies of the refresh token and the access token (a
   * backup, malware reading the app's storage) but not the key, which never leaves the device.
   */
  private void dpop() throws Exception {
    DpopSigner signer = api.signer;
    RefreshingAuthenticator authenticator = new RefreshingAuthenticator(api, store);
    OkHttpClient client = apiClient(authenticator);
    String email = signup();
    print(call(client, "call"));
    waitForExpiry(store.get());
    Map<String, Object> afterExpiry = call(client, "call_after_expiry");
    afterExpiry.put("tokenType", store.get().dpopBound ? "DPoP" : "Bearer");
    print(afterExpiry);

    Tokens copied = store.get();
    DpopSigner thiefSigner = new DpopSigner(DpopKey.generate());
    AuthApi thief = new AuthApi(http, baseUrl, thiefSigner);
    Request numberRequest = new Request.Builder().url(api.url("/api/number")).build();
    // The copied access token as a plain bearer token: the downgrade a bound token must not allow.
    Request asBearer = numberRequest.newBuilder().header("Authorization", "Bearer " + copied.accessToken).build();
    print(thiefCall(thief.client(), asBearer, "thief_call_bearer"));
    // As DPoP, with a valid proof by the thief's own key: the key is not the one the token is bound to.
    print(thiefCall(thief.client(), AuthInterceptor.authorize(numberRequest, copied, thiefSigner), "thief_call_dpop"));
    AuthApi.Answer stolenRefresh = thief.refresh(copied);
    print(Json.object("step", "thief_refresh", "status", stolenRefresh.status, "error", stolenRefresh.error()));

    // The refresh with another key ended the session and its access tokens: the device's token is refused as
    // revoked (no refresh for that), and once it has expired, the device's refresh is refused too.
    print(call(client, "call_after_theft"));
    waitForExpiry(copied);
    Map<String, Object> refused = call(client, "refresh_after_theft");
    refused.put("refreshError", authenticator.lastRefreshError);
    print(refused);

    // The user logs in again on the device (same key): a new bound session.
    long sentAt = System.currentTimeMillis();
    AuthApi.Answer login = api.login(email, PASSWORD);
    if (login.ok()) store.set(Tokens.fromBody(login.body, sentAt));
    Map<String, Object> relogin =
        Json.object("step", "login", "status", login.status, "tokenType", login.body.get("tokenType"));
    if (login.ok()) relogin.put("sessionId", sessionIdOf(store.get().accessToken));
    print(relogin);
    print(call(client, "call_after_login"));
    print(Json.object("step", "nonces", "seen", signer.noncesSeen.get(), "retries", signer.nonceRetries.get()));
  }

  /** One request as the thief sends it: its own headers, no interceptor, no Authenticator. */
  private static Map<String, Object> thiefCall(OkHttpClient client, Request request, String step) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      String challenge = response.header("WWW-Authenticate");
      Object error = AuthApi.readBody(response.body()).get("error");
      return Json.object("step", step, "status", response.code(), "error", error,
          "challengeScheme", challenge == null ? null : challenge.split(" ", 2)[0]);
    }
  }

  private OkHttpClient apiClient(Authenticator authenticator) {
    return api.client().newBuilder()
        .addInterceptor(new AuthInterceptor(store, api.signer))
        .authenticator(authenticator)
        .build();
  }

  private String signup() throws IOException {
    String email = "okhttp-" + randomHex(6) + "@example.com";
    long sentAt = System.currentTimeMillis();
    AuthApi.Answer answer = api.signup(email, PASSWORD);
    if (answer.status != 201) exit("signup answered " + answer.status + " " + answer.error());
    store.set(Tokens.fromBody(answer.body, sentAt));
    String accessToken = store.get().accessToken;
    Map<String, Object> line = Json.object("step", "signup", "status", answer.status,
        "sessionId", sessionIdOf(accessToken), "tokenType", answer.body.get("tokenType"));
    // The server's record of the key (cnf.jkt in the access token) against the thumbprint computed here.
    if (api.signer != null) line.put("boundToThisKey", api.signer.key().thumbprint().equals(jktOf(accessToken)));
    print(line);
    return email;
  }

  /** GET /api/number through the client; attempts counts the retry the Authenticator asked for. */
  private Map<String, Object> call(OkHttpClient client, String step) throws IOException {
    int refreshesBefore = api.refreshesSent.get();
    Map<String, Object> result = Json.object("step", step);
    result.putAll(callNumber(client));
    result.put("refreshes", api.refreshesSent.get() - refreshesBefore);
    result.put("signedIn", store.get() != null);
    return result;
  }

  private Map<String, Object> callNumber(OkHttpClient client) throws IOException {
    Request request = new Request.Builder().url(api.url("/api/number")).build();
    try (Response response = client.newCall(request).execute()) {
      int attempts = 1;
      for (Response prior = response.priorResponse(); prior != null; prior = prior.priorResponse()) attempts++;
      Map<String, Object> body = AuthApi.readBody(response.body());
      Map<String, Object> result = Json.object("status", response.code(), "attempts", attempts);
      if (body.get("number") instanceof Number) result.put("number", ((Number) body.get("number")).intValue());
      if (body.get("error") != null) result.put("error", body.get("error"));
      return result;
    }
  }

  /** THREADS calls released at the same instant. */
  private Map<String, Object> burst(final OkHttpClient client) throws Exception {
    int refreshesBefore = api.refreshesSent.get();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    final CountDownLatch ready = new CountDownLatch(THREADS);
    final CountDownLatch go = new CountDownLatch(1);
    List<Future<Map<String, Object>>> calls = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      calls.add(pool.submit(() -> {
        ready.countDown();
        go.await();
        return callNumber(client);
      }));
    }
    ready.await();
    go.countDown();
    List<Object> statuses = new ArrayList<>();
    List<Object> attempts = new ArrayList<>();
    int succeeded = 0;
    for (Future<Map<String, Object>> call : calls) {
      Map<String, Object> result = call.get(60, TimeUnit.SECONDS);
      statuses.add(result.get("status"));
      attempts.add(result.get("attempts"));
      if (Integer.valueOf(200).equals(result.get("status"))) succeeded++;
    }
    pool.shutdown();
    return Json.object("step", "burst", "threads", THREADS, "succeeded", succeeded, "statuses", statuses,
        "attempts", attempts, "refreshes", api.refreshesSent.get() - refreshesBefore, "signedIn", store.get() != null);
  }

  /** Sleeps until the server answers token_expired for this access token. */
  private void waitForExpiry(Tokens tokens) throws InterruptedException {
    long wakeAt = tokens.accessExpiresAtMillis + toleranceMillis + 1000;
    long millis = Math.max(0, wakeAt - System.currentTimeMillis());
    print(Json.object("step", "wait", "seconds", millis / 1000.0));
    Thread.sleep(millis);
  }

  /** The session id (the {@code sid} claim), read without verifying: the server verifies, the app only looks. */
  private static String sessionIdOf(String accessToken) {
    return (String) claimsOf(accessToken).get("sid");
  }

  /** The thumbprint of the key the access token is bound to ({@code cnf.jkt}), or null. */
  private static Object jktOf(String accessToken) {
    Object cnf = claimsOf(accessToken).get("cnf");
    return cnf instanceof Map ? ((Map<?, ?>) cnf).get("jkt") : null;
  }

  private static Map<String, Object> claimsOf(String accessToken) {
    String[] parts = accessToken.split("\\.");
    return Json.parseObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    StringBuilder hex = new StringBuilder();
    for (byte b : random) hex.append(String.format("%02x", b));
    return hex.toString();
  }

  private static synchronized void print(Map<String, Object> line) {
    System.out.println(Json.write(line));
    System.out.flush();
  }

  private static void exit(String message) {
    System.err.println(message);
    System.exit(2);
  }
}
