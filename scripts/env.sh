# shellcheck shell=bash
# Sourced by the other scripts: one virtualenv with pinned tools, and the collection
# visible to Ansible as turbosmtp.api wherever the checkout lives.
# TURBOSMTP_VENV picks another virtualenv and TURBOSMTP_REQUIREMENTS another pin file (scripts/demo.sh
# uses a small one); with TURBOSMTP_SKIP_BOOTSTRAP=1 the virtualenv is used as it is.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${TURBOSMTP_VENV:-$REPO/.venv}
REQUIREMENTS=${TURBOSMTP_REQUIREMENTS:-$REPO/requirements-dev.txt}
PYTHON=${PYTHON:-python3}

# shellcheck source=venv.sh
source "$REPO/scripts/venv.sh"

if [ "${TURBOSMTP_SKIP_BOOTSTRAP:-0}" = 1 ]; then
  [ -x "$VENV/bin/python" ] || { echo "TURBOSMTP_SKIP_BOOTSTRAP=1 but $VENV has no bin/python" >&2; exit 1; }
else
  ensure_venv "$VENV" "$REQUIREMENTS" "pinned tools (${REQUIREMENTS#"$REPO"/})"
fi
export PATH="$VENV/bin:$PATH"

# Ansible finds collections below <path>/ansible_collections/<namespace>/<name>. The link lives in the
# virtualenv, so that nothing but the virtualenv itself is added to the checkout.
COLLECTIONS_ROOT="$VENV/collections"
mkdir -p "$COLLECTIONS_ROOT/ansible_collections/turbosmtp"
ln -sfn "$REPO" "$COLLECTIONS_ROOT/ansible_collections/turbosmtp/api"
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
export PYTHONPATH="$COLLECTIONS_ROOT:$REPO${PYTHONPATH:+:$PYTHONPATH}"
export ANSIBLE_PYTHON_INTERPRETER="$VENV/bin/python"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_NOCOLOR=1
export ANSIBLE_FORCE_COLOR=0
