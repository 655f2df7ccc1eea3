#!/usr/bin/env bash
# Builds everything and runs every test, after setting up what some tests need:
#   - Debian's promtool (the metrics lint), wrk and nginx (the lb-bench tests) and nftables (kube-proxy on
#     process nodes), when this runs as root with apt;
#   - the local Kubernetes control plane, built from its Go modules once and cached outside the work
#     tree (about 25 minutes cold on 2 cores, seconds after that; docs/development.md).
# What cannot be had here (not root, no Go) is said in one line, and the tests that need it skip
# with their reason; everything else still builds and runs. CI runs exactly this (.ci/run).
# Arguments go to Maven: ./test.sh -pl operator -am
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

say() { echo "test.sh: $*" >&2; }

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
# lb-bench's nginx target: that SIGTERM stops its workers too
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
# kube-proxy's nftables mode drives nft (process nodes' Services)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} (Debian packages)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null \
      || say "could not install ${missing[*]}; the tests that need them will skip"
  else
    say "${missing[*]} not installed and cannot be (needs root and apt-get); the tests that need them will skip"
  fi
fi

if command -v go >/dev/null 2>&1; then
  deploy/testenv/testenv.sh build
else
  say "no Go toolchain on PATH: the control plane cannot be built; the Kubernetes tests skip unless it is cached or MU_TEST_KUBECONFIG is set"
fi

# Reports of an earlier run must not be counted as this run's skips.
find . -path '*/target/*-reports/TEST-*.xml' -delete 2>/dev/null || true
status=0
./mvnw -B verify "$@" || status=$?

# Surefire prints how many tests skipped, not why: say each reason once, with its count.
reasons="$(find . -path '*/target/*-reports/TEST-*.xml' -exec grep -ho '<skipped message="[^"]*"' {} + 2>/dev/null \
  | sed 's/^<skipped message="//; s/"$//; s/&apos;/'"'"'/g; s/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' | sort | uniq -c || true)"
if [ -n "$reasons" ]; then
  say "tests skipped, and why:"
  echo "$reasons" | sed 's/^ */  /' >&2
fi
exit "$status"
