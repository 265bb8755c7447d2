# shellcheck shell=bash
# Sourced by env.sh and matrix.sh: one way to keep a virtualenv in step with a pinned requirements file.

# ensure_venv DIR REQUIREMENTS_FILE LABEL: DIR is a virtualenv holding what REQUIREMENTS_FILE pins,
# installed on first use and again only when that file changes (its checksum is kept in DIR).
ensure_venv() {
  local venv=$1 requirements=$2 label=$3
  local stamp="$venv/.requirements.sha" want
  want=$(sha1sum "$requirements" | cut -d' ' -f1)
  if [ ! -x "$venv/bin/python" ]; then
    echo "== creating $venv"
    "${PYTHON:-python3}" -m venv "$venv"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== installing $label"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" > "$stamp"
  fi
}
