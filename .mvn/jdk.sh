# Sourced by ./mvnw and ./atrium: picks a JDK 25 or newer and exports JAVA_HOME.
# Order: an already suitable JAVA_HOME, then the JDKs installed in the system's JVM directory.
atrium_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
}

atrium_pick_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(atrium_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "atrium: no JDK 25 or newer found (set JAVA_HOME to one)" >&2
  return 1
}
