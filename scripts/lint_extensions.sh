#!/usr/bin/env bash
# The EDA event sources' documentation, as ansible-doc reads it: every source must load with
#   ansible-doc -M extensions/eda/plugins/event_source --json <name>
# every description (the plugin's, its options', their suboptions') must be a string or a list of
# strings, and EXAMPLES must be YAML. ansible-test sanity does not look at extensions/, so this does.
# Usage: scripts/lint_extensions.sh [DIRECTORY]   (default: extensions/eda/plugins/event_source)
# shellcheck source-path=SCRIPTDIR source=env.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO" || exit 1

sources_dir=${1:-extensions/eda/plugins/event_source}
shopt -s nullglob
files=("$sources_dir"/*.py)
if [ ${#files[@]} -eq 0 ]; then
  echo "lint_extensions: no event source in $sources_dir" >&2
  exit 1
fi

check_doc() {
  # $1: the source name; reads ansible-doc's JSON on stdin.
  python -c '
import json
import sys

import yaml

name = sys.argv[1]
problems = []


def check_description(where, value):
    if isinstance(value, str):
        return
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return
    problems.append("%s: description is %s, not a string or a list of strings: %r"
                    % (where, type(value).__name__, value))


def check_options(where, options):
    if not isinstance(options, dict):
        problems.append("%s is not a mapping" % where)
        return
    for option, spec in options.items():
        place = "%s.%s" % (where, option)
        if not isinstance(spec, dict):
            problems.append("%s is not a mapping" % place)
            continue
        if "description" not in spec:
            problems.append("%s has no description" % place)
        else:
            check_description(place, spec["description"])
        if "suboptions" in spec:
            check_options(place + ".suboptions", spec["suboptions"])


try:
    loaded = json.load(sys.stdin)[name]
    doc = loaded["doc"]
except (ValueError, KeyError, TypeError) as error:
    sys.exit("%s: ansible-doc returned no documentation (%s)" % (name, error))
if not isinstance(doc.get("short_description"), str):
    problems.append("short_description is not a string")
check_description("description", doc.get("description"))
check_options("options", doc.get("options") or {})
try:
    yaml.safe_load(loaded.get("examples") or "")
except yaml.YAMLError as error:
    problems.append("EXAMPLES is not valid YAML: %s" % " ".join(str(error).split()))
if not loaded.get("examples"):
    problems.append("EXAMPLES is empty")
for problem in problems:
    print("%s: %s" % (name, problem), file=sys.stderr)
sys.exit(1 if problems else 0)
' "$1"
}

failed=()
for file in "${files[@]}"; do
  name=$(basename "$file" .py)
  if ! doc=$(ansible-doc -M "$sources_dir" --json "$name" 2>&1); then
    echo "$name: ansible-doc cannot load its documentation:" >&2
    echo "$doc" >&2
    failed+=("$name")
    continue
  fi
  if ! check_doc "$name" <<<"$doc"; then
    failed+=("$name")
    continue
  fi
  echo "ok: $file"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "lint_extensions: documentation problems in: ${failed[*]}" >&2
  exit 1
fi
