package tessera.okhttp;

/**
 * Where the app keeps its tokens. In memory here; an Android app keeps the refresh token in
 * EncryptedSharedPreferences or the Keystore so a restart does not log the user out.
 */
final class TokenStore {
  private volatile Tokens tokens;

  Tokens get() {
    return tokens;
  }

  void set(Tokens next) {
    tokens = next;
  }

  void clear() {
    tokens = null;
  }
}
