#!/usr/bin/env bash
# ansible-test integration --local on a copy of the collection laid out as
# ansible_collections/turbosmtp/api. Every target depends on setup_simulator, which starts one
# simulator for the run; it stops by itself when ansible-test ends, and this script fails if it
# did not. Arguments go to ansible-test: scripts/integration.sh turbosmtp_send -v
# TURBOSMTP_INTEGRATION_VARS='{"name": value}' passes extra variables to every target
# (written to tests/integration/integration_config.yml, which ansible-test loads as extra vars).
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# shellcheck source=scripts/ansible_test_lib.sh
source "$REPO/scripts/ansible_test_lib.sh"

enter_collection_copy
state="$COLLECTION_COPY/tests/output/.tmp/simulator/state.json"

stop_leftover_simulator() {
  # Returns 1 (after stopping it) when the run's simulator is still running.
  local pid
  pid=$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["pid"])' "$state" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  echo "the simulator (pid $pid) was still running after ansible-test ended; stopped it" >&2
  return 1
}
trap 'stop_leftover_simulator || true; rm -rf "$COLLECTION_WORK"' EXIT

if [ -n "${TURBOSMTP_INTEGRATION_VARS:-}" ]; then
  # JSON is YAML; anything but an object is refused, as extra vars must be a mapping.
  python -c 'import json, sys; value = json.loads(sys.argv[1]); assert isinstance(value, dict), "TURBOSMTP_INTEGRATION_VARS is not a JSON object"; print(json.dumps(value))' \
    "$TURBOSMTP_INTEGRATION_VARS" > tests/integration/integration_config.yml
  echo "== extra variables for every target: $(cat tests/integration/integration_config.yml)"
fi

status=0
ansible-test integration --local --color no "$@" || status=$?
# The simulator notices within a second that ansible-test has ended.
for _ in $(seq 20); do
  [ -e "$state" ] || break
  sleep 0.25
done
stop_leftover_simulator || status=1
exit "$status"
