# shellcheck shell=bash
# Sourced by the other scripts: one virtualenv with pinned tools, and the collection
# visible to Ansible as turbosmtp.api wherever the checkout lives.
# TURBOSMTP_VENV picks another virtualenv; with TURBOSMTP_SKIP_BOOTSTRAP=1 it is used as it is
# (scripts/matrix.sh installs an older ansible-core there, which requirements-dev.txt would replace).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${TURBOSMTP_VENV:-$REPO/.venv}
PYTHON=${PYTHON:-python3}

# shellcheck source=venv.sh
source "$REPO/scripts/venv.sh"

if [ "${TURBOSMTP_SKIP_BOOTSTRAP:-0}" = 1 ]; then
  [ -x "$VENV/bin/python" ] || { echo "TURBOSMTP_SKIP_BOOTSTRAP=1 but $VENV has no bin/python" >&2; exit 1; }
else
  ensure_venv "$VENV" "$REPO/requirements-dev.txt" "pinned tools (requirements-dev.txt)"
fi
export PATH="$VENV/bin:$PATH"

# Ansible finds collections below <path>/ansible_collections/<namespace>/<name>.
COLLECTIONS_ROOT="$REPO/.cache/collections"
mkdir -p "$COLLECTIONS_ROOT/ansible_collections/turbosmtp"
ln -sfn "$REPO" "$COLLECTIONS_ROOT/ansible_collections/turbosmtp/api"
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
export PYTHONPATH="$COLLECTIONS_ROOT:$REPO${PYTHONPATH:+:$PYTHONPATH}"
export ANSIBLE_PYTHON_INTERPRETER="$VENV/bin/python"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_NOCOLOR=1
export ANSIBLE_FORCE_COLOR=0
