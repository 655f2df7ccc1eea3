#!/usr/bin/env bash
# Prints the example Functions with their images in your registry, for kubectl apply on a cluster:
#   ./mvnw -B -Pimages package -DskipTests -Dmu.image.registry=registry.example.org/mu
#   examples/images.sh registry.example.org/mu | kubectl apply -f -
# The files name ghcr.io/muserving/examples/<name>:0.1.0, where nothing is published yet. -Pimages
# pushes <registry>/examples/<name>:<tag>, one image for amd64 and arm64, so resize's per-architecture
# images both become that one. mu local runs the files as they are (spec.local.command), no image.
# Usage: examples/images.sh REGISTRY [TAG]   (TAG: the pom's mu.image.tag, as -Pimages uses by default)
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ -z "$1" ]; then
  echo "usage: examples/images.sh REGISTRY [TAG], e.g. examples/images.sh registry.example.org/mu | kubectl apply -f -" >&2
  exit 2
fi
registry="${1%/}"
tag="${2:-$(sed -n 's:^ *<mu.image.tag>\(.*\)</mu.image.tag>$:\1:p' "$dir/../pom.xml" | head -1)}"
if [ -z "$tag" ]; then
  echo "examples/images.sh: no TAG given and no <mu.image.tag> found in $dir/../pom.xml" >&2
  exit 2
fi
first=1
for file in "$dir"/*.yaml; do
  [ "$first" -eq 1 ] || echo "---"
  first=0
  sed -E "s#ghcr\.io/muserving/examples/([a-z0-9-]+):[A-Za-z0-9._-]+#${registry}/examples/\1:${tag}#g" "$file"
done
