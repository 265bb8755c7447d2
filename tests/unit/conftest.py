"""Unit-test harness: a simulator per test session, and a way to run a module's main()
in-process and read what it returned (exit_json) or why it failed (fail_json)."""

import contextlib
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from ansible.module_utils import basic  # noqa: E402

try:
    from ansible.module_utils.testing import patch_module_args  # noqa: E402  (ansible-core 2.19+)
except ImportError:  # ansible-core 2.16 to 2.18 read the module's arguments from basic._ANSIBLE_ARGS
    @contextlib.contextmanager
    def patch_module_args(args=None):
        previous = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode('utf-8')
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = previous

from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, Simulator  # noqa: E402


class ModuleExit(Exception):
    """Raised in place of exit_json/fail_json so the test can read the result."""

    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result)
        self.result = result
        self.failed = failed


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


@pytest.fixture
def reset_sim(simulator):
    """For tests that run many examples in one test function (hypothesis)."""
    return lambda: simulator.reset(**DEFAULT_WORLD)


@pytest.fixture
def credentials(sim):
    """Dashboard connection options that reach the simulator with email and password."""
    return dict(dashboard_url=sim.url, email=EMAIL, password=PASSWORD)


@pytest.fixture
def send_credentials(sim):
    """Send options that reach the simulator with consumer key and secret."""
    return dict(send_url=sim.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET)


@pytest.fixture
def legacy_send_credentials(sim):
    """Send options that reach the simulator with the account email and password."""
    return dict(send_url=sim.url, email=EMAIL, password=PASSWORD)


@pytest.fixture
def run_module(monkeypatch):
    """run_module(main, args, check_mode=False, diff=False) -> (result dict, failed bool)."""
    for name in ('TURBOSMTP_API_TOKEN', 'TURBOSMTP_EMAIL', 'TURBOSMTP_PASSWORD', 'TURBOSMTP_DASHBOARD_URL',
                 'TURBOSMTP_CONSUMER_KEY', 'TURBOSMTP_CONSUMER_SECRET', 'TURBOSMTP_REGION', 'TURBOSMTP_SEND_URL'):
        monkeypatch.delenv(name, raising=False)

    def exit_json(self, **result):
        raise ModuleExit(result, failed=False)

    def fail_json(self, msg, **result):
        result['msg'] = msg
        raise ModuleExit(result, failed=True)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def run(main, args, check_mode=False, diff=False):
        args = dict(args)
        args['_ansible_check_mode'] = check_mode
        args['_ansible_diff'] = diff
        with patch_module_args(args):
            with pytest.raises(ModuleExit) as outcome:
                main()
        # What a module returns must survive the trip to the controller as JSON.
        json.dumps(outcome.value.result)
        return outcome.value.result, outcome.value.failed

    return run
