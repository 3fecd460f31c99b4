package tessera.okhttp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for Tessera's small bodies and this program's output lines, so the example needs no jar
 * beyond OkHttp and Okio. An app would use the JSON library it already has (Moshi, Gson, org.json).
 */
final class Json {
  private Json() {}

  /** Parses a JSON object; anything else (an HTML error page from a proxy, say) is an IllegalArgumentException. */
  static Map<String, Object> parseObject(String text) {
    Parser parser = new Parser(text);
    Object value = parser.document();
    if (!(value instanceof Map)) throw new IllegalArgumentException("expected a JSON object");
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) value;
    return object;
  }

  /** A map that keeps its keys in the order given: {@code object("step", "call", "status", 200)}. */
  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) object.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return object;
  }

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String) {
      writeString(out, (String) value);
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!first) out.append(',');
        first = false;
        writeString(out, String.valueOf(entry.getKey()));
        out.append(':');
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object item : (List<?>) value) {
        if (!first) out.append(',');
        first = false;
        write(out, item);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
    }
  }

  private static void writeString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    out.append('"');
  }

  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    Object document() {
      Object value = value();
      skipSpace();
      if (at != text.length()) throw error("trailing characters");
      return value;
    }

    private Object value() {
      skipSpace();
      if (at >= text.length()) throw error("unexpected end");
      char c = text.charAt(at);
      if (c == '{') return object();
      if (c == '[') return array();
      if (c == '"') return string();
      if (text.startsWith("true", at)) return literal("true", Boolean.TRUE);
      if (text.startsWith("false", at)) return literal("false", Boolean.FALSE);
      if (text.startsWith("null", at)) return literal("null", null);
      return number();
    }

    private Map<String, Object> object() {
      Map<String, Object> object = new LinkedHashMap<>();
      at++;
      skipSpace();
      if (consume('}')) return object;
      do {
        skipSpace();
        if (!peek('"')) throw error("expected a key");
        String key = string();
        skipSpace();
        expect(':');
        object.put(key, value());
        skipSpace();
      } while (consume(','));
      expect('}');
      return object;
    }

    private List<Object> array() {
      List<Object> array = new ArrayList<>();
      at++;
      skipSpace();
      if (consume(']')) return array;
      do {
        array.add(value());
        skipSpace();
      } while (consume(','));
      expect(']');
      return array;
    }

    private String string() {
      StringBuilder out = new StringBuilder();
      at++;
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '"') return out.toString();
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (at >= text.length()) break;
        char escaped = text.charAt(at++);
        switch (escaped) {
          case 'n': out.append('\n'); break;
          case 't': out.append('\t'); break;
          case 'r': out.append('\r'); break;
          case 'b': out.append('\b'); break;
          case 'f': out.append('\f'); break;
          case 'u':
            if (at + 4 > text.length()) throw error("short \\u escape");
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
            break;
          default: out.append(escaped);
        }
      }
      throw error("unterminated string");
    }

    private Double number() {
      int start = at;
      while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
      if (start == at) throw error("unexpected character");
      return Double.valueOf(text.substring(start, at));
    }

    private Object literal(String word, Object value) {
      at += word.length();
      return value;
    }

    private void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
    }

    private boolean peek(char c) {
      return at < text.length() && text.charAt(at) == c;
    }

    private boolean consume(char c) {
      if (at < text.length() && text.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!consume(c)) throw error("expected '" + c + "'");
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("bad JSON at " + at + ": " + what);
    }
  }
}
