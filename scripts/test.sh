#!/usr/bin/env bash
# The whole test suite, as CI runs it. Stages can be picked: scripts/test.sh unit lint
#   unit         pytest: the client, modules and plugins in-process, the simulator over HTTP
#   integration  pytest: real ansible-playbook runs against the simulator
#   lint         ansible-lint --profile production, antsibull-changelog lint, docs/reference up to date
#   sanity       ansible-test sanity, no ignore file
#   molecule     one molecule scenario per role (delegated driver, localhost)
#   ecosystem    the built tarball under the ecosystem's own tools: galaxy-importer, ansible-rulebook,
#                ansible-builder create
#   matrix       unit, integration and sanity again on the oldest ansible-core we claim
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO" || exit 1

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit integration lint sanity molecule ecosystem matrix)
workers=$(python -c 'import os; print(min(4, os.cpu_count() or 1))')

run_unit() {
  python -m pytest -n "$workers" tests/unit tests/simulator
}

run_integration() {
  python -m pytest -n "$workers" tests/integration
}

run_lint() {
  # Every check runs, and any failure fails the stage (a function called from `if` runs without set -e).
  local failed=0 ignore_file
  ansible-lint --profile production || failed=1
  antsibull-changelog lint || failed=1
  bash scripts/docs.sh --check || failed=1
  bash scripts/lint_extensions.sh || failed=1
  for ignore_file in tests/sanity/ignore-*.txt; do
    [ ! -s "$ignore_file" ] || { echo "sanity ignore files are not allowed: $ignore_file"; failed=1; }
  done
  return "$failed"
}

run_sanity() {
  bash scripts/sanity.sh
}

run_ecosystem() {
  bash scripts/ecosystem.sh
}

run_matrix() {
  bash scripts/matrix.sh
}

run_molecule() {
  local scenarios
  scenarios=$(find extensions/molecule -mindepth 2 -maxdepth 2 -name molecule.yml 2>/dev/null | sort)
  if [ -z "$scenarios" ]; then
    echo "no molecule scenarios yet"
    return 0
  fi
  (cd extensions && for file in $scenarios; do
    scenario=$(basename "$(dirname "$file")")
    echo "== molecule test -s $scenario"
    molecule test -s "$scenario" || exit 1
  done)
}

failed=()
for stage in "${stages[@]}"; do
  echo
  echo "=================== $stage ==================="
  start=$(date +%s)
  if "run_$stage"; then
    echo "=== $stage passed in $(( $(date +%s) - start ))s"
  else
    echo "=== $stage FAILED in $(( $(date +%s) - start ))s"
    failed+=("$stage")
  fi
done

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "all stages passed: ${stages[*]}"
