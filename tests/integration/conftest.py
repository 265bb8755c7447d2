"""Integration harness: every tests/integration/targets/<name>/playbook.yml is a real
ansible-playbook run against the simulator. Playbooks assert the state after and the
requests that reached the API (through the simulator's /_sim/ control endpoints)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, Simulator  # noqa: E402

TARGETS = REPO / 'tests' / 'integration' / 'targets'


# Each test starts from the same world, whatever an earlier test resized.
DEFAULT_WORLD = dict(seed=1, stats_rows=250, reports_per_type=60, subaccounts=5)


@pytest.fixture(scope='session')
def simulator():
    with Simulator(port=0, **DEFAULT_WORLD) as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    simulator.reset(**DEFAULT_WORLD)
    return simulator


def sim_vars(sim):
    """What every playbook gets to reach the simulator (the sim's own fixture credentials)."""
    return {
        'sim_url': sim.url,
        'sim_email': EMAIL,
        'sim_password': PASSWORD,
        'sim_consumer_key': CONSUMER_KEY,
        'sim_consumer_secret': CONSUMER_SECRET,
    }


def playbook_env(sim, extra_env=None):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith('TURBOSMTP_'):
            del env[name]
    env.update(TURBOSMTP_DASHBOARD_URL=sim.url, TURBOSMTP_SEND_URL=sim.url, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0', ANSIBLE_DEPRECATION_WARNINGS='0')
    env.update(extra_env or {})
    return env


def run_playbook(sim, playbook, *args, extra_vars=None, extra_env=None, cwd=None):
    """Run ansible-playbook against localhost; returns the CompletedProcess (output text)."""
    variables = sim_vars(sim)
    variables.update(extra_vars or {})
    command = ['ansible-playbook', '-i', 'localhost,', '-c', 'local', str(playbook),
               '-e', json.dumps(variables)] + list(args)
    return subprocess.run(command, env=playbook_env(sim, extra_env), cwd=cwd or str(Path(playbook).parent),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=600, check=False)


@pytest.fixture
def playbook(sim):
    def run(path, *args, **kwargs):
        return run_playbook(sim, path, *args, **kwargs)
    return run
