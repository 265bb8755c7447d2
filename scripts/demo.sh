#!/usr/bin/env bash
# The main job: start the bundled simulator and run the demo playbook against it,
# showing what the collection does. Nothing leaves this machine.
# It needs only ansible-core and requests (demo/requirements.txt), in a small virtualenv of its own
# (.venv-demo/, or TURBOSMTP_DEMO_VENV), so that a fresh clone starts the demo in seconds.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TURBOSMTP_VENV="${TURBOSMTP_DEMO_VENV:-$root/.venv-demo}" TURBOSMTP_REQUIREMENTS="$root/demo/requirements.txt"
# shellcheck source=env.sh
source "$root/scripts/env.sh"
cd "$REPO" || exit 1

log=$(mktemp)
python -m simulator --port 0 --quiet > "$log" 2>&1 &
simulator_pid=$!
trap 'kill "$simulator_pid" 2>/dev/null; wait "$simulator_pid" 2>/dev/null; rm -f "$log"' EXIT

url=
for _ in $(seq 100); do
  url=$(grep -o 'http://[0-9.:]*' "$log" | head -n1 || true)
  [ -n "$url" ] && break
  kill -0 "$simulator_pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the simulator did not start"; cat "$log"; exit 1; }
echo "== turboSMTP simulator at $url"

# The simulator's own fixture credentials, passed the way a CI job passes real ones.
export TURBOSMTP_DASHBOARD_URL="$url" TURBOSMTP_SEND_URL="$url"
export TURBOSMTP_EMAIL=ops@example.com TURBOSMTP_PASSWORD=sim-password
export TURBOSMTP_CONSUMER_KEY=sim-consumer-key TURBOSMTP_CONSUMER_SECRET=sim-consumer-secret

ansible-playbook -i localhost, -c local demo/demo.yml "$@"
