package tessera.okhttp;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.util.Base64;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * For the example's test, not for apps: prints proofs that exercise the two conversions a DPoP client most often
 * gets wrong, each of which breaks only about one proof or key in 128, so a few calls against a server rarely
 * show them: a public key whose x or y coordinate is short (the JWK must still carry 32 bytes, zeros in front),
 * and signatures whose R or S starts with one (DER drops it; R||S must keep it). The test verifies every proof
 * with the server's own verifier.
 *
 * <pre>
 *   ProofCheck &lt;url&gt; &lt;access-token&gt; &lt;nonce&gt;
 * </pre>
 *
 * One JSON line per proof: {@code {"case":"x_leading_zero","jkt":"...","proof":"..."}}. The proofs are signed by
 * throwaway keys for the given URL and token; the key pairs are dropped when the program ends.
 */
public final class ProofCheck {
  private static final int MAX_TRIES = 20_000;

  private ProofCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3 || HttpUrl.parse(args[0]) == null) {
      System.err.println("usage: ProofCheck <url> <access-token> <nonce>");
      System.exit(2);
    }
    HttpUrl url = HttpUrl.parse(args[0]);
    String accessToken = args[1];

    // Keys: generate until a coordinate is below 2^247, where Java's BigInteger gives 31 bytes or fewer and only
    // the padding makes 32 (from 2^247 to 2^248 it gives 32 bytes with a zero in front, and no padding is needed).
    // Chosen by the key itself, not by the JWK under test. 1 in 512 each; 20,000 tries fail once in ~10^17.
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    for (String coordinate : new String[] {"x", "y"}) {
      for (int i = 0; ; i++) {
        if (i == MAX_TRIES) throw new IllegalStateException("no key with a short " + coordinate);
        KeyPair pair = generator.generateKeyPair();
        ECPoint w = ((ECPublicKey) pair.getPublic()).getW();
        if ((coordinate.equals("x") ? w.getAffineX() : w.getAffineY()).bitLength() <= 247) {
          DpopKey key = new DpopKey(pair.getPrivate(), pair.getPublic());
          print(coordinate + "_leading_zero", key, new DpopSigner(key).proof("GET", url, accessToken));
          break;
        }
      }
    }

    // Signatures: one key, signing until R, then S, starts with a zero byte. (DER always drops that byte, so the
    // conversion pads every one of them; if it did not, none would be found, or they would fail to verify.)
    DpopKey key = DpopKey.generate();
    DpopSigner signer = new DpopSigner(key);
    boolean shortR = false;
    boolean shortS = false;
    for (int i = 0; !(shortR && shortS); i++) {
      if (i == MAX_TRIES) throw new IllegalStateException("no signature with a short R and S");
      String proof = signer.proof("GET", url, accessToken);
      byte[] signature = decode(proof.substring(proof.lastIndexOf('.') + 1));
      if (!shortR && signature[0] == 0) {
        shortR = true;
        print("r_leading_zero", key, proof);
      } else if (!shortS && signature[32] == 0) {
        shortS = true;
        print("s_leading_zero", key, proof);
      }
    }

    // The nonce: a response's DPoP-Nonce header is remembered and goes into the next proof to that origin.
    signer.remember(new Response.Builder()
        .request(new Request.Builder().url(url).build())
        .protocol(Protocol.HTTP_1_1)
        .code(401)
        .message("Unauthorized")
        .header("DPoP-Nonce", args[2])
        .build());
    print("nonce", key, signer.proof("GET", url, accessToken));
  }

  private static byte[] decode(String base64url) {
    return Base64.getUrlDecoder().decode(base64url);
  }

  private static void print(String name, DpopKey key, String proof) {
    Map<String, Object> line = Json.object("case", name, "jkt", key.thumbprint(), "proof", proof);
    System.out.println(Json.write(line));
  }
}
