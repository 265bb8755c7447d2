#!/usr/bin/env bash
# The whole test suite, as CI runs it: every nox session that `nox -l` marks with *, two at a time.
# Name sessions to run only those: scripts/test.sh codeqa ansible-test-units-2.16
# Ends with one line per session and its time, and the total. Formatters only report here (CI=true):
# `nox -s formatters` fixes. Nothing may be left in the checkout: the suite fails if `git status
# --porcelain --ignored` shows anything that was not there before, apart from the tool environments the
# suite builds on first use (.venv/ from requirements-dev.txt, with nox; nox's own .nox/).
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO" || exit 1

checkout_state() {
  git status --porcelain --ignored --untracked-files=all -- . ':(exclude).venv' ':(exclude).nox' | sort
}

before=$(checkout_state)
report=$(mktemp)
trap 'rm -f "$report"' EXIT
# One -s with every name: nox keeps only the last of repeated -s options.
sessions=()
[ $# -eq 0 ] || sessions=(-s "$@")

start=$(date +%s)
status=0
# nox's sessions make the collection visible themselves; none of env.sh's Ansible variables reaches them.
env -u ANSIBLE_COLLECTIONS_PATH -u PYTHONPATH -u ANSIBLE_PYTHON_INTERPRETER CI=true \
  nox --parallel "${TURBOSMTP_TEST_JOBS:-2}" --allow-parallel --report "$report" "${sessions[@]}" || status=$?
total=$(( $(date +%s) - start ))

echo
python - "$report" <<'PY'
import json
import sys

try:
    sessions = json.load(open(sys.argv[1])).get('sessions', [])
except ValueError:
    sessions = []
for session in sessions:
    print('%-34s %-8s %5.0fs' % (session['name'], session['result'], session.get('duration') or 0))
passed = sum(1 for session in sessions if session['result'] == 'success')
skipped = sum(1 for session in sessions if session['result'] == 'skipped')
print('sessions: %d passed, %d failed, %d skipped' % (passed, len(sessions) - passed - skipped, skipped))
PY

left=$(comm -13 <(echo "$before") <(checkout_state))
if [ -n "$left" ]; then
  echo "the suite left files in the checkout:"
  echo "$left"
  status=1
fi
echo "total                              $([ "$status" = 0 ] && echo passed || echo FAILED)   ${total}s"
exit "$status"
