# shellcheck shell=bash
# Sourced by env.sh: one way to keep a virtualenv in step with a pinned requirements file.

# ensure_venv DIR REQUIREMENTS_FILE LABEL: DIR is a virtualenv holding what REQUIREMENTS_FILE pins,
# installed on first use and again only when that file changes (its checksum is kept in DIR).
# When the file pins uv, pip installs only uv and uv installs the rest: seconds instead of half a minute.
ensure_venv() {
  local venv=$1 requirements=$2 label=$3
  local stamp="$venv/.requirements.sha" want uv_pin
  want=$(sha1sum "$requirements" | cut -d' ' -f1)
  if [ ! -x "$venv/bin/python" ]; then
    echo "== creating $venv"
    "${PYTHON:-python3}" -m venv "$venv"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== installing $label"
    uv_pin=$(grep -i '^uv==' "$requirements" || true)
    if [ -n "$uv_pin" ]; then
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$uv_pin" 2> >(grep -v "^WARNING: Location" >&2)
      UV_PYTHON_DOWNLOADS=never "$venv/bin/uv" pip install --quiet --python "$venv/bin/python" -r "$requirements"
    else
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    fi
    echo "$want" > "$stamp"
  fi
}
