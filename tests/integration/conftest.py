"""Integration harness for the pytest-driven playbook tests (examples, secrets, callbacks):
real ansible-playbook runs against the simulator of tests/conftest.py (`sim`). The module
targets under targets/ are ansible-test integration targets (nox -s ansible-test-integration-2.21)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from sim_harness import CONSUMER_KEY, CONSUMER_SECRET, DEFAULT_WORLD, EMAIL, PASSWORD

# What the playbook tests import from here, the simulator's credentials among them.
__all__ = ['CONSUMER_KEY', 'CONSUMER_SECRET', 'DEFAULT_WORLD', 'EMAIL', 'PASSWORD', 'REPO', 'playbook_env', 'run_playbook',
           'sim_vars']

REPO = Path(__file__).resolve().parents[2]


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
    """The caller's environment (TURBOSMTP_IN_PROCESS included, so a run can force module
    execution), minus the connection settings a shell may hold, plus the simulator's URLs."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith('TURBOSMTP_') and name != 'TURBOSMTP_IN_PROCESS':
            del env[name]
    env.update(TURBOSMTP_DASHBOARD_URL=sim.url, TURBOSMTP_SEND_URL=sim.url, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0')
    env.update(extra_env or {})
    return env


def run_playbook(sim, playbook, *args, extra_vars=None, extra_env=None, cwd=None):
    """Run ansible-playbook against localhost; returns the CompletedProcess (output text)."""
    variables = sim_vars(sim)
    variables.update(extra_vars or {})
    command = ['ansible-playbook', '-i', 'localhost,', '-c', 'local', str(playbook),
               '-e', json.dumps(variables)] + list(args)
    return subprocess.run(command, env=playbook_env(sim, extra_env), cwd=cwd or str(Path(playbook).parent),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, check=False)


@pytest.fixture
def playbook(sim):
    def run(path, *args, **kwargs):
        return run_playbook(sim, path, *args, **kwargs)
    return run
