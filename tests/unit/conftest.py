"""Unit-test harness: a way to run a module's main() in-process and read what it returned
(exit_json) or why it failed (fail_json). The simulator fixtures (sim, credentials, ...) are
tests/conftest.py's."""

import contextlib
import json

import pytest
from ansible.module_utils import basic

from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_send
from sim_harness import self_signed_certificate

try:
    from ansible.module_utils.testing import patch_module_args  # ansible-core 2.19+
except ImportError:  # ansible-core 2.16 to 2.18 read the module's arguments from basic._ANSIBLE_ARGS
    @contextlib.contextmanager
    def patch_module_args(args=None):
        previous = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}).encode('utf-8')
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = previous


class ModuleExit(Exception):
    """Raised in place of exit_json/fail_json so the test can read the result."""

    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


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
        with patch_module_args(args), pytest.raises(ModuleExit) as outcome:
            main()
        # What a module returns must survive the trip to the controller as JSON.
        json.dumps(outcome.value.result)
        return outcome.value.result, outcome.value.failed

    return run


@pytest.fixture
def send(run_module, send_credentials):
    """send(args, check_mode=False, diff=False): turbosmtp_send with the simulator's consumer keys."""
    def run(args, **kwargs):
        return run_module(turbosmtp_send.main, dict(send_credentials, **args), **kwargs)
    return run


@pytest.fixture(scope='session')
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the cryptography package."""
    pytest.importorskip('cryptography', reason='the cryptography package is needed to make a test certificate')
    return self_signed_certificate(tmp_path_factory.mktemp('tls'))
