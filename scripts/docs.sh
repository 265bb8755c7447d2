#!/usr/bin/env bash
# Generate the per-module, per-plugin and per-role reference in docs/reference/ from the
# plugins' own documentation. With --check, fail if docs/reference/ is out of date instead (the
# docs-reference nox session; docs-check lints the documentation itself).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO" || exit 1

generate() {
  antsibull-docs collection --use-current --fail-on-error --output-format simplified-rst --squash-hierarchy \
    --no-add-antsibull-docs-version --no-breadcrumbs --dest-dir "$1" turbosmtp.api > /dev/null
}

if [ "${1:-}" = "--check" ]; then
  fresh=$(mktemp -d)
  trap 'rm -rf "$fresh"' EXIT
  generate "$fresh"
  if ! diff -r -q "$fresh" docs/reference > /dev/null; then
    diff -r "$fresh" docs/reference | head -40
    echo "docs/reference/ is out of date: run scripts/docs.sh"
    exit 1
  fi
  echo "docs/reference/ is up to date"
else
  rm -rf docs/reference
  mkdir -p docs/reference
  generate docs/reference
  echo "wrote docs/reference/"
fi
