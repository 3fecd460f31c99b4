#!/bin/sh
# Compiles the example when its sources changed, then runs one scenario:
#   examples/okhttp/run.sh locked http://localhost:3000
# Needs Debian's default-jdk-headless and libokhttp-java (OkHttp 3.13 and Okio in /usr/share/java).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jars=${OKHTTP_JARS:-/usr/share/java}
build=${OKHTTP_EXAMPLE_BUILD:-$here/build}
classpath="$jars/okhttp.jar:$jars/okio.jar"

command -v javac >/dev/null 2>&1 || { echo "javac is not on PATH: install a JDK (apt-get install default-jdk-headless)." >&2; exit 1; }
for jar in okhttp.jar okio.jar; do
  [ -f "$jars/$jar" ] || { echo "$jars/$jar is missing: install libokhttp-java (apt-get install libokhttp-java), or set OKHTTP_JARS." >&2; exit 1; }
done

stamp="$build/tessera/okhttp/Demo.class"
if [ ! -f "$stamp" ] || [ -n "$(find "$here/src" -name '*.java' -newer "$stamp")" ]; then
  mkdir -p "$build"
  # --release 8: the language level Android apps compile OkHttp 3 code with.
  find "$here/src" -name '*.java' -exec javac --release 8 -encoding UTF-8 -Xlint:all -Xlint:-options -Werror -d "$build" -cp "$classpath" {} +
fi
exec java -cp "$build:$classpath" tessera.okhttp.Demo "$@"
