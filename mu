#!/usr/bin/env bash
# Runs the mu CLI, building it first when the jar is missing or older than any source or pom.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/cli/app/target/mu.jar"

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" \( -name target -o -name .git -o -name bench-out \) -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit 2>/dev/null)" ]
}

if stale; then
  echo "mu: building the CLI (first run or sources changed)..." >&2
  if ! (cd "$root" && ./mvnw -B -q -DskipTests -pl cli/app -am install >&2); then
    echo "mu: the build failed; see the Maven output above" >&2
    exit 1
  fi
fi
exec java ${MU_JAVA_OPTS:-} -jar "$jar" "$@"
