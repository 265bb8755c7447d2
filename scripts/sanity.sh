#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection laid out as ansible_collections/turbosmtp/api,
# with no ignore file. Offline machines cannot download ansible-test's pip bootstrap script,
# so a stand-in that uses ensurepip is put in its cache first.
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

install_get_pip_stand_in() {
  # ansible-test pins the pip it bootstraps (pip='X.Y' in its requirements code; the first is the
  # default, later ones are for old Pythons). Works for ansible-test 2.16 (23.1.2) to 2.19 (24.2).
  local pip_version
  pip_version=$(sed -n "s/.*pip='\([0-9.]*\)'.*/\1/p" "$VENV"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py | head -n1)
  local versions="$pip_version"
  for version in $versions; do
    local cache="$HOME/.ansible/test/cache/get_pip_${version//./_}.py"
    [ -s "$cache" ] && continue
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
  done
}

install_get_pip_stand_in
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target="$work/ansible_collections/turbosmtp/api"
mkdir -p "$target"
(cd "$REPO" && { git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$target/" 2>/dev/null || true; })
# ansible-test lists a collection's files through git.
(cd "$target" && git init -q && git add -A && git -c user.email=ci@localhost -c user.name=ci commit -qm sanity)
cd "$target" || exit 1
ansible-test sanity --color no --venv --python "$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" "$@"
