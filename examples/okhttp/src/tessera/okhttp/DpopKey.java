package tessera.okhttp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

/**
 * The device's DPoP key: an EC P-256 key pair that signs proofs with ES256. The private key only ever signs; it
 * is never written anywhere. Here it is a software key that lives as long as the process; an Android app makes
 * it in the Android Keystore instead (non-exportable), and hands the Keystore's keys to {@link #DpopKey(PrivateKey,
 * PublicKey)}: the signing and the conversion below are the same, because the Keystore's ECDSA signatures are DER
 * too.
 */
final class DpopKey {
  /** The order n of P-256 (FIPS 186-4 D.1.2.3): a key on another curve would make proofs no server accepts. */
  private static final BigInteger P256_ORDER =
      new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
  /** Bytes of one P-256 coordinate and of one half (R or S) of an ES256 signature. */
  private static final int SIZE = 32;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final PrivateKey privateKey;
  private final String x;
  private final String y;

  /** A new software key pair on P-256 (secp256r1). */
  static DpopKey generate() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    return new DpopKey(pair.getPrivate(), pair.getPublic());
  }

  /**
   * A key made elsewhere, e.g. by the Android Keystore ({@code keyStore.getKey(alias, null)} and
   * {@code keyStore.getCertificate(alias).getPublicKey()}). The private key may be a handle that cannot be
   * exported; only {@link Signature} ever sees it.
   */
  DpopKey(PrivateKey privateKey, PublicKey publicKey) {
    if (!(publicKey instanceof ECPublicKey) || !((ECPublicKey) publicKey).getParams().getOrder().equals(P256_ORDER)) {
      throw new IllegalArgumentException("a DPoP key for ES256 must be an EC key on P-256");
    }
    ECPublicKey ec = (ECPublicKey) publicKey;
    this.privateKey = privateKey;
    this.x = base64url(unsigned(ec.getW().getAffineX(), SIZE));
    this.y = base64url(unsigned(ec.getW().getAffineY(), SIZE));
  }

  /** The public key as the JWK that goes into every proof's header: only the public members. */
  Map<String, Object> publicJwk() {
    return Json.object("kty", "EC", "crv", "P-256", "x", x, "y", y);
  }

  /**
   * The RFC 7638 thumbprint, which the server stores for the session and puts in access tokens as
   * {@code cnf.jkt}: SHA-256 over the required members in lexicographic order, without spaces.
   */
  String thumbprint() {
    String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
    try {
      return base64url(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /** The ES256 signature of {@code input} in the JWS form: R and S, 32 bytes each (RFC 7518 section 3.4). */
  byte[] sign(byte[] input) throws GeneralSecurityException {
    Signature signature = Signature.getInstance("SHA256withECDSA");
    signature.initSign(privateKey);
    signature.update(input);
    return derToJose(signature.sign());
  }

  /**
   * Java (and the Android Keystore) write ECDSA signatures as DER, {@code SEQUENCE { INTEGER r, INTEGER s }},
   * where each INTEGER drops leading zero bytes and gains a 0x00 when its top bit is set; JWS wants R||S as
   * fixed 32-byte big-endian numbers. Sending the DER bytes as they are is the classic mistake: every proof fails.
   */
  static byte[] derToJose(byte[] der) {
    int[] at = {0};
    if (der.length < 8 || der[at[0]++] != 0x30) throw new IllegalArgumentException("not a DER ECDSA signature");
    int sequenceLength = derLength(der, at);
    if (sequenceLength != der.length - at[0]) throw new IllegalArgumentException("bad DER ECDSA signature length");
    byte[] jose = new byte[2 * SIZE];
    copyInteger(der, at, jose, 0);
    copyInteger(der, at, jose, SIZE);
    if (at[0] != der.length) throw new IllegalArgumentException("trailing bytes after the DER ECDSA signature");
    return jose;
  }

  private static void copyInteger(byte[] der, int[] at, byte[] out, int offset) {
    if (at[0] >= der.length || der[at[0]++] != 0x02) throw new IllegalArgumentException("expected a DER INTEGER");
    int length = derLength(der, at);
    if (length < 1 || at[0] + length > der.length) throw new IllegalArgumentException("bad DER INTEGER length");
    int start = at[0];
    int end = start + length;
    at[0] = end;
    while (start < end - 1 && der[start] == 0) start++;
    if (end - start > SIZE) throw new IllegalArgumentException("DER INTEGER longer than 32 bytes");
    System.arraycopy(der, start, out, offset + SIZE - (end - start), end - start);
  }

  private static int derLength(byte[] der, int[] at) {
    if (at[0] >= der.length) throw new IllegalArgumentException("truncated DER");
    int first = der[at[0]++] & 0xff;
    if (first < 0x80) return first;
    // A P-256 signature is at most 72 bytes, so one length byte (0x81 nn) is the most a valid one needs.
    if (first != 0x81 || at[0] >= der.length) throw new IllegalArgumentException("unexpected DER length form");
    return der[at[0]++] & 0xff;
  }

  /** A non-negative number as exactly {@code size} big-endian bytes: left-padded, or without BigInteger's sign byte. */
  static byte[] unsigned(BigInteger value, int size) {
    byte[] bytes = value.toByteArray();
    if (bytes.length == size) return bytes;
    byte[] out = new byte[size];
    if (bytes.length == size + 1 && bytes[0] == 0) {
      System.arraycopy(bytes, 1, out, 0, size);
    } else if (bytes.length < size) {
      System.arraycopy(bytes, 0, out, size - bytes.length, bytes.length);
    } else {
      throw new IllegalArgumentException("the number does not fit in " + size + " bytes");
    }
    return out;
  }

  static String base64url(byte[] bytes) {
    return BASE64URL.encodeToString(bytes);
  }
}
