"""The module layer over real HTTP: options checked before any request, one credential block for the
whole action group, and the module's own login token revoked on every way out."""

import json
import math
import re

import pytest
import requests
from ansible.module_utils import basic

from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule, run_instance
from ansible_collections.turbosmtp.api.plugins.modules import (
    turbosmtp_account_info,
    turbosmtp_plans_info,
    turbosmtp_report_cleanup,
    turbosmtp_reports_info,
    turbosmtp_send,
    turbosmtp_stats_info,
    turbosmtp_subaccounts_info,
    turbosmtp_token,
    turbosmtp_tracking,
    turbosmtp_tracking_info,
)
from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD

# One task of each module that reads or changes nothing it should not, with what it needs beside the connection.
EVERY_MODULE = [
    (turbosmtp_account_info, {}),
    (turbosmtp_plans_info, {}),
    (turbosmtp_subaccounts_info, {}),
    (turbosmtp_tracking_info, {}),
    (turbosmtp_tracking, {'click_tracking': True}),
    (turbosmtp_token, {'state': 'present'}),
    (turbosmtp_stats_info, {'last': 10}),
    (turbosmtp_reports_info, {'type': 'spam', 'all': True, 'count_only': True}),
    (turbosmtp_report_cleanup, {'type': 'spam', 'ids': []}),
    (turbosmtp_send, {'from': 'deploy@example.com', 'to': ['ops@example.org'], 'subject': 'Hi', 'content': 'Hi'}),
]


def live_tokens(sim):
    return requests.get(sim.url + '/_sim/state', timeout=5).json()['tokens']


@pytest.fixture
def every_connection_option(sim):
    """The whole credential block a play puts under module_defaults: group/turbosmtp.api.turbosmtp."""
    return dict(email=EMAIL, password=PASSWORD, dashboard_url=sim.url, consumer_key=CONSUMER_KEY,
                consumer_secret=CONSUMER_SECRET, region='eu', send_url=sim.url, validate_certs=True, timeout=10,
                retries=1)


@pytest.mark.parametrize('module, args', EVERY_MODULE, ids=[module.__name__.rsplit('.', 1)[-1] for module, args in EVERY_MODULE])
def test_every_module_accepts_every_connection_option(run_module, sim, every_connection_option, module, args):
    result, failed = run_module(module.main, dict(every_connection_option, **args), check_mode=True)
    assert not failed, result
    assert CONSUMER_SECRET not in json.dumps(result) and PASSWORD not in json.dumps(result)


@pytest.mark.parametrize('option, value', [('timeout', math.nan), ('timeout', math.inf), ('timeout', 1e300), ('timeout', 0),
                                           ('timeout', '-inf'), ('retries', 10 ** 300), ('retries', -1)])
def test_a_number_option_that_is_not_finite_or_in_range_fails_before_any_request(run_module, sim, credentials, option, value):
    result, failed = run_module(turbosmtp_account_info.main, dict(credentials, **{option: value}))
    assert failed
    assert result['msg'].startswith('%s must be a finite number' % option), result['msg']
    assert sim.requests() == []


@pytest.mark.parametrize('option, value', [('limit', 1e300), ('concurrency', 1e300), ('limit', 0)])
def test_a_listing_number_option_out_of_range_fails_before_any_request(run_module, sim, credentials, option, value):
    args = dict(credentials, type='spam', all=True, **{option: value})
    result, failed = run_module(turbosmtp_reports_info.main, args)
    # ansible-core 2.16 refuses 1e300 for an int itself ("argument 'limit' is of type ..."); later cores leave it to us.
    assert failed and re.match(r"(argument ')?%s\b" % option, result['msg']), result['msg']
    assert sim.requests() == []


@pytest.mark.parametrize('option', ['api_token', 'consumer_key', 'consumer_secret'])
@pytest.mark.parametrize('value', ['t\u00f6ken\u20ac', 'token\r\nX-Injected: 1', 'tok\x00en'])
def test_a_credential_no_http_header_can_carry_fails_before_any_request_without_showing_it(run_module, sim, option, value):
    args = {'dashboard_url': sim.url, 'send_url': sim.url, 'api_token': 'fine', 'consumer_key': 'fine', 'consumer_secret': 'fine',
            option: value, 'from': 'deploy@example.com', 'to': ['ops@example.org'], 'subject': 'Hi', 'content': 'Hi'}
    module = turbosmtp_account_info if option == 'api_token' else turbosmtp_send
    if module is turbosmtp_account_info:
        args = dict((name, args[name]) for name in ('dashboard_url', 'api_token'))
    result, failed = run_module(module.main, args)
    assert failed
    assert result['msg'].startswith(option + ' holds'), result['msg']
    assert value not in json.dumps(result)
    assert sim.requests() == []


@pytest.mark.parametrize('option, module, args', [
    ('dashboard_url', turbosmtp_account_info, {'api_token': 'token'}),
    ('send_url', turbosmtp_send, {'consumer_key': 'k', 'consumer_secret': 's', 'from': 'deploy@example.com',
                                  'to': ['ops@example.org'], 'content': 'Hi'}),
])
def test_a_url_with_a_password_is_refused_before_any_request_and_masked(run_module, sim, option, module, args):
    url = sim.url.replace('http://', 'http://ops:url-s3cret@')
    result, failed = run_module(module.main, dict(args, **{option: url}))
    assert failed
    assert result['msg'].startswith('%s must not hold user information' % option), result['msg']
    assert 'url-s3cret' not in json.dumps(result)
    assert sim.requests() == []


class LogsInThenTimesOut(TurboSMTPModule):
    """A task whose timeout: keyword fires (TaskTimeoutError is a BaseException) after the module logged in."""

    def run(self, parsed):
        self.dashboard.user_info()
        raise KeyboardInterrupt('the task timed out')


class TaskContext:
    def __init__(self, params):
        self.params, self.check_mode, self._diff, self.no_log_values = params, False, False, set()


def test_a_task_cut_short_still_revokes_the_token_the_module_asked_for(sim, credentials):
    params = dict(credentials, api_token=None, validate_certs=True, timeout=5.0, retries=0, consumer_key=None,
                  consumer_secret=None, send_url=None, region='global')
    instance = LogsInThenTimesOut(TaskContext(params))
    with pytest.raises(KeyboardInterrupt):
        run_instance(instance)
    assert [r['path'] for r in sim.requests()] == ['/api/authorize', '/api/user/info', '/api/deauthorize']
    assert live_tokens(sim) == 0
    assert instance.close() == []  # closing again does nothing
    assert len(sim.requests(path='/api/deauthorize')) == 1


def test_a_nul_in_an_option_is_logged_escaped_and_the_module_names_the_option(run_module, sim, send_credentials, monkeypatch):
    """Python 3.12+ (every ansible-core 2.20+ controller) refuses a NUL in a syslog line: AnsibleModule would fail the
    task with "Failed to log to syslog" (a traceback on 2.16) before the module's own check could name the option."""
    logged = []

    def syslog_of_python_312(priority, message):
        if '\x00' in message:
            raise ValueError('embedded null character')
        logged.append(message)

    monkeypatch.setattr(basic, 'has_journal', False)
    monkeypatch.setattr(basic, 'HAS_SYSLOG', True)
    monkeypatch.setattr(basic.syslog, 'openlog', lambda *args: None)
    monkeypatch.setattr(basic.syslog, 'syslog', syslog_of_python_312)
    args = {'from': 'deploy@example.com', 'to': ['ops@example.org'], 'subject': 'Deployed\x00tonight', 'content': 'Hi'}
    result, failed = run_module(turbosmtp_send.main, dict(send_credentials, **args))
    assert failed
    assert result['msg'].startswith('subject: '), result['msg']
    assert [line for line in logged if 'subject=Deployed\\x00tonight' in line], logged
    assert sim.requests() == [] and sim.messages() == []
