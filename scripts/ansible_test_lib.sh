# shellcheck shell=bash
# Sourced after env.sh by the scripts that run ansible-test (sanity.sh, units.sh, integration.sh):
# ansible-test wants the collection at ansible_collections/<namespace>/<name> and, offline, a pip
# bootstrap script it cannot download.

install_get_pip_stand_in() {
  # ansible-test pins the pip it bootstraps (pip='X.Y' in its requirements code; the first is the
  # default). Works for ansible-test 2.16 (23.1.2) to 2.19 (24.2).
  local version cache
  version=$(sed -n "s/.*pip='\([0-9.]*\)'.*/\1/p" "$VENV"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py | head -n1)
  cache="$HOME/.ansible/test/cache/get_pip_${version//./_}.py"
  [ -s "$cache" ] && return 0
  mkdir -p "$(dirname "$cache")"
  cat > "$cache" <<'PY'
"""Offline stand-in for get-pip.py: bootstrap pip with ensurepip, then install what was asked."""
import subprocess
import sys

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
if any(not arg.startswith('-') for arg in args):
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
}

copy_collection() {
  # The git-tracked and new files, in a git repository of their own (ansible-test lists a
  # collection's files through git).
  mkdir -p "$1"
  (cd "$REPO" && { git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$1/" 2>/dev/null || true; })
  (cd "$1" && git init -q && git add -A && git -c user.email=ci@localhost -c user.name=ci commit -qm ansible-test)
}

# enter_collection_copy: the collection copied into a temporary ansible_collections/turbosmtp/api
# (COLLECTION_COPY, removed on exit with its parent COLLECTION_WORK), the stand-in in place, and the
# shell in that copy, where ansible-test expects to run.
enter_collection_copy() {
  install_get_pip_stand_in
  COLLECTION_WORK=$(mktemp -d)
  trap 'rm -rf "$COLLECTION_WORK"' EXIT
  COLLECTION_COPY="$COLLECTION_WORK/ansible_collections/turbosmtp/api"
  copy_collection "$COLLECTION_COPY"
  cd "$COLLECTION_COPY" || exit 1
}

python_version() {
  "$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])'
}
