#!/usr/bin/env bash
# The built collection under the ecosystem's own tools (tests/ecosystem/):
#   galaxy-importer   Galaxy's import checks, strict settings, no containers (no ERROR line allowed)
#   ansible-rulebook  both event sources of the installed tarball, no PYTHONPATH, against the simulator
#   ansible-builder   `create` for the execution and decision environments in extensions/ee/
#   antsibull-docs    the docs site with docs/docsite/ (extra docs and links)
# The tools live in their own virtualenv, .venv-ecosystem/ (galaxy-importer pins its own ansible-core,
# ansible-lint and flake8), installed from the pinned tests/ecosystem/requirements.txt on first use and
# again only when that file changes. Usage: scripts/ecosystem.sh [pytest args and paths; default tests/ecosystem]
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO" || exit 1

ECO_VENV=${TURBOSMTP_ECOSYSTEM_VENV:-$REPO/.venv-ecosystem}
ECO_REQUIREMENTS="$REPO/tests/ecosystem/requirements.txt"

check_java() {
  # ansible-rulebook runs its rules in Drools, on Java 17 or later.
  if [ -z "${JAVA_HOME:-}" ]; then
    local java
    java=$(command -v java || true)
    [ -n "$java" ] || { echo "ansible-rulebook needs Java 17 or later (java not found)"; return 1; }
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$java")")")
    export JAVA_HOME
  fi
  local major
  major=$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1)
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    echo "ansible-rulebook needs Java 17 or later; $JAVA_HOME/bin/java is version ${major:-unknown}"
    return 1
  fi
}

ensure_venv "$ECO_VENV" "$ECO_REQUIREMENTS" "the ecosystem tools (tests/ecosystem/requirements.txt)"
check_java
export TURBOSMTP_ECOSYSTEM_VENV="$ECO_VENV"
workers=$(python -c 'import os; print(min(4, os.cpu_count() or 1))')
[ $# -gt 0 ] || set -- tests/ecosystem
python -m pytest -n "$workers" "$@"
