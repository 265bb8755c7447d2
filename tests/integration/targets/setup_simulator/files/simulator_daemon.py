#!/usr/bin/env python
"""Start one turboSMTP simulator per test run, or reuse the one already running.

Prints JSON: the simulator's URL and credentials. The simulator is a detached process
(ansible-test runs every target as its own ansible-playbook) that stops by itself when the
process that ran the tests ends: the nearest ansible-test ancestor, else the nearest
ansible-playbook; when neither can be found, after IDLE_SECONDS without a setup run.
Its state (pid, url) is kept in <collection root>/tests/output/.tmp/simulator/.
"""

import fcntl
import json
import os
import signal
import sys
import time
import urllib.request

IDLE_SECONDS = 900
START_TIMEOUT = 30
DEFAULT_WORLD = dict(seed=1, stats_rows=250, reports_per_type=60, subaccounts=5)


def collection_root():
    """The directory with galaxy.yml and the simulator package, above this file (ansible-test
    copies targets to tests/output/.tmp/integration/<target>-*/ inside the collection)."""
    path = os.path.dirname(os.path.abspath(__file__))
    while path != os.path.dirname(path):
        if os.path.isfile(os.path.join(path, 'galaxy.yml')) and os.path.isfile(os.path.join(path, 'simulator', '__init__.py')):
            return path
        path = os.path.dirname(path)
    sys.exit('setup_simulator: no collection root with a simulator/ package above %s' % __file__)


def parent_pid(pid):
    with open('/proc/%d/stat' % pid) as stat:
        return int(stat.read().rsplit(')', 1)[1].split()[1])


def command_line(pid):
    with open('/proc/%d/cmdline' % pid, 'rb') as cmdline:
        return [os.path.basename(arg.decode('utf-8', 'replace')) for arg in cmdline.read().split(b'\0') if arg]


def owner_pid():
    """The ansible-test (else ansible-playbook) process this script runs under, or None."""
    found = {}
    try:
        pid = os.getppid()
        while pid > 1:
            names = command_line(pid)[:3]
            for tool in ('ansible-test', 'ansible-playbook'):
                if tool in names and tool not in found:
                    found[tool] = pid
            pid = parent_pid(pid)
    except (OSError, ValueError, IndexError):
        pass
    return found.get('ansible-test') or found.get('ansible-playbook')


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def healthy(url):
    try:
        with urllib.request.urlopen(url + '/_sim/health', timeout=5) as response:
            return json.loads(response.read().decode('utf-8')).get('ok') is True
    except (OSError, ValueError):
        return False


def read_state(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def serve(root, state_path, lease_path, owner):
    """The detached simulator: runs until its owner ends, it is idle too long, or SIGTERM."""
    sys.path.insert(0, root)
    from simulator import Simulator

    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.append(signum))
    with Simulator(port=0, **DEFAULT_WORLD) as sim:
        temporary = state_path + '.new'
        with open(temporary, 'w') as handle:
            json.dump({'pid': os.getpid(), 'url': sim.url, 'owner': owner}, handle)
        os.rename(temporary, state_path)
        try:
            while not stopping:
                time.sleep(0.5)
                if owner is not None and not alive(owner):
                    break
                try:
                    idle = time.time() - os.stat(lease_path).st_mtime
                except OSError:
                    idle = IDLE_SECONDS + 1
                if idle > IDLE_SECONDS:
                    break
        finally:
            if (read_state(state_path) or {}).get('pid') == os.getpid():
                os.unlink(state_path)


def start(root, state_path, lease_path, log_path, lock):
    owner = owner_pid()
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            state = read_state(state_path)
            if state and alive(state['pid']) and healthy(state['url']):
                return state
            time.sleep(0.1)
        with open(log_path) as log:
            sys.exit('setup_simulator: the simulator did not start:\n' + log.read())
    # First child: a new session, then a grandchild that init adopts, so the module
    # that started it can return while the simulator keeps serving.
    os.setsid()
    lock.close()  # the lock must end with this setup run, not with the simulator
    if os.fork():
        os._exit(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    try:
        serve(root, state_path, lease_path, owner)
    except BaseException:  # noqa: BLE001  the log is the only place a failure can go
        import traceback
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def main():
    root = collection_root()
    state_dir = os.path.join(root, 'tests', 'output', '.tmp', 'simulator')
    os.makedirs(state_dir, exist_ok=True)
    state_path = os.path.join(state_dir, 'state.json')
    lease_path = os.path.join(state_dir, 'lease')
    with open(os.path.join(state_dir, 'lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(lease_path, 'a'):
            os.utime(lease_path, None)
        state = read_state(state_path)
        reused = bool(state and alive(state['pid']) and healthy(state['url']))
        if not reused:
            state = start(root, state_path, lease_path, os.path.join(state_dir, 'simulator.log'), lock)
    sys.path.insert(0, root)
    from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD
    print(json.dumps({
        'url': state['url'], 'pid': state['pid'], 'reused': reused, 'state_file': state_path,
        'email': EMAIL, 'password': PASSWORD, 'consumer_key': CONSUMER_KEY, 'consumer_secret': CONSUMER_SECRET,
    }))


if __name__ == '__main__':
    main()
