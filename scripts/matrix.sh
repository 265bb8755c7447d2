#!/usr/bin/env bash
# The oldest ansible-core that meta/runtime.yml claims, tested like the pinned one: unit,
# integration and ansible-test sanity, in a virtualenv of its own (.venv-core216/) that is
# created on first use and reinstalled only when the pins below or requirements-dev.txt change.
# scripts/test.sh matrix runs this; it can also be run alone.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 1

# The latest patch of the oldest minor release requires_ansible allows.
CORE=2.16.19
MATRIX_VENV=${TURBOSMTP_MATRIX_VENV:-$REPO/.venv-core216}
PYTHON=${PYTHON:-python3}
# shellcheck source=venv.sh
source "$REPO/scripts/venv.sh"
# What the tests import besides ansible-core, at requirements-dev.txt's pins.
TEST_PACKAGES=(requests pytest pytest-xdist pytest-asyncio hypothesis aiohttp PyYAML)

# Testing 2.16 is only worth it while 2.16 is what the collection claims.
claimed=$(sed -n "s/^requires_ansible: *['\"]>=\([0-9]*\.[0-9]*\)\..*/\1/p" meta/runtime.yml)
if [ "$claimed" != "${CORE%.*}" ]; then
  echo "meta/runtime.yml claims ansible-core >=$claimed but this matrix tests $CORE: update CORE" >&2
  exit 1
fi

requirements() {
  echo "ansible-core==$CORE"
  local name line
  for name in "${TEST_PACKAGES[@]}"; do
    line=$(grep -i "^$name==" requirements-dev.txt || true)
    [ -n "$line" ] || { echo "requirements-dev.txt does not pin $name" >&2; return 1; }
    echo "$line"
  done
}

install() {
  # ensure_venv compares the file's checksum, so rewriting unchanged pins installs nothing.
  local pins="$REPO/.cache/core${CORE//./}-requirements.txt"
  mkdir -p "$REPO/.cache"
  requirements > "$pins"
  ensure_venv "$MATRIX_VENV" "$pins" "ansible-core $CORE and the test requirements"
}

install
export TURBOSMTP_VENV="$MATRIX_VENV" TURBOSMTP_SKIP_BOOTSTRAP=1
# shellcheck source=scripts/env.sh
source "$REPO/scripts/env.sh"

installed=$(python -c 'from ansible.release import __version__; print(__version__)')
[ "$installed" = "$CORE" ] || { echo "$MATRIX_VENV has ansible-core $installed, not $CORE" >&2; exit 1; }
[ "$(command -v ansible-playbook)" = "$MATRIX_VENV/bin/ansible-playbook" ] || { echo "ansible-playbook is not $MATRIX_VENV's" >&2; exit 1; }
workers=$(python -c 'import os; print(max(2, min(4, os.cpu_count() or 1)))')

failed=()
step() {
  local name=$1
  shift
  echo "== ansible-core $CORE: $name"
  "$@" || failed+=("$name")
}
step unit python -m pytest -q -n "$workers" tests/unit tests/simulator
step integration python -m pytest -q -n "$workers" tests/integration
step ansible-test-integration bash scripts/integration.sh
step sanity bash scripts/sanity.sh

if [ ${#failed[@]} -gt 0 ]; then
  echo "ansible-core $CORE FAILED: ${failed[*]}"
  exit 1
fi
echo "ansible-core $CORE: unit, integration and sanity passed"
