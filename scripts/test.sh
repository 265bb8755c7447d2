#!/usr/bin/env bash
# The whole test suite, as CI runs it. Stages can be picked: scripts/test.sh unit lint
#   unit         ansible-test units (scripts/units.sh): the client, modules and plugins against the
#                simulator over HTTP; pytest: the simulator itself
#   integration  pytest: real ansible-playbook runs against the simulator; ansible-test integration
#                targets (scripts/integration.sh)
#   parity       integration again with tasks forced to module execution (in-process is the default)
#   lint         ansible-lint (production profile, as a fresh clone runs it), ruff, shellcheck scripts/,
#                antsibull-changelog lint, docs/reference up to date
#   sanity       ansible-test sanity, no ignore file
#   molecule     one molecule scenario per role (delegated driver, localhost)
#   ecosystem    the built tarball under the ecosystem's own tools: galaxy-importer, ansible-rulebook,
#                ansible-builder create
#   matrix       unit, integration and sanity again on the oldest ansible-core we claim
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO" || exit 1

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit integration parity lint sanity molecule ecosystem matrix)
workers=$(python -c 'import os; print(min(4, os.cpu_count() or 1))')

run_unit() {
  # The unit tests through ansible-test units (as the ecosystem runs them), the simulator's own with pytest.
  bash scripts/units.sh && python -m pytest -n "$workers" tests/simulator
}

run_integration() {
  # The pytest-driven playbook tests, then the ansible-test targets (tests/integration/targets).
  local failed=0
  python -m pytest -n "$workers" tests/integration || failed=1
  bash scripts/integration.sh || failed=1
  return "$failed"
}

ansible_lint_as_a_fresh_clone() {
  # As the ansible-lint action and pre-commit run it: none of env.sh's variables, so ansible-lint has to
  # find turbosmtp.api by itself (it installs the checkout into .ansible/, see .ansible-lint). The schemas
  # are the ones shipped with the pinned ansible-lint, so that the stage never needs the network.
  local home status=0 had_cache=0
  [ ! -d .ansible ] || had_cache=1
  home=$(mktemp -d)
  env -i HOME="$home" PATH="$VENV/bin:/usr/bin:/bin" ANSIBLE_LINT_SKIP_SCHEMA_UPDATE=1 ansible-lint || status=$?
  rm -rf "$home"
  # Leave the checkout as it was: that cache holds a whole copy of the collection.
  [ "$had_cache" = 1 ] || rm -rf .ansible
  return "$status"
}

run_parity() {
  # The integration suite again with every turboSMTP task forced to ordinary module execution; the
  # integration stage ran it in-process, and tests/integration/test_parity.py compares the two.
  local failed=0
  TURBOSMTP_INTEGRATION_VARS='{"turbosmtp_in_process": false}' bash scripts/integration.sh || failed=1
  TURBOSMTP_IN_PROCESS=0 python -m pytest -n "$workers" tests/integration || failed=1
  return "$failed"
}

run_lint() {
  # Every check runs, and any failure fails the stage (a function called from `if` runs without set -e).
  local failed=0 ignore_file
  ansible_lint_as_a_fresh_clone || failed=1
  ruff check . || failed=1
  shellcheck scripts/*.sh || failed=1
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
