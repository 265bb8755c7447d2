"""Which path a turboSMTP task takes: in-process in the controller's worker only when the module
would run on the controller's own Python anyway, ordinary module execution in every other case.
The action plugins are built from real ansible-core objects (task, play context, connection)."""

import json
import os
import sys

import pytest
from ansible.module_utils.common.parameters import remove_values
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import connection_loader
from ansible.template import Templar
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.turbosmtp.api.plugins.action.turbosmtp_account_info import ActionModule as AccountInfoAction
from ansible_collections.turbosmtp.api.plugins.action.turbosmtp_tracking import ActionModule as TrackingAction
from ansible_collections.turbosmtp.api.plugins.plugin_utils import in_process
from ansible_collections.turbosmtp.api.plugins.plugin_utils.in_process import (
    masked_json,
    run_module_in_process,
    same_python,
    task_environment,
)
from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_account_info import AccountInfo
from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_tracking import Tracking


def action(connection='local', become=False, async_val=0, delegate_to=None, args=None, plugin=AccountInfoAction):
    task = Task()
    task.args = dict(args or {})
    task.async_val = async_val
    task.delegate_to = delegate_to
    play_context = PlayContext()
    play_context.become = become
    loader = DataLoader()
    return plugin(task, connection_loader.get(connection, play_context, '/dev/null'), play_context, loader,
                  Templar(loader=loader), None)


def controller_vars(**extra):
    return dict(ansible_python_interpreter=sys.executable, ansible_playbook_python=sys.executable, **extra)


@pytest.fixture(autouse=True)
def no_switch_in_environment(monkeypatch):
    monkeypatch.delenv('TURBOSMTP_IN_PROCESS', raising=False)


def test_local_connection_on_the_controller_python_runs_in_process():
    assert action().in_process_refusal(controller_vars()) is None


def test_a_remote_connection_runs_the_module():
    assert 'the connection is ssh, not local' in action(connection='ssh').in_process_refusal(controller_vars())


def test_a_delegate_on_another_python_runs_the_module():
    task_vars = controller_vars(ansible_delegated_vars={'db1': dict(ansible_python_interpreter='/opt/other/bin/python3')})
    refusal = action(delegate_to='db1').in_process_refusal(task_vars)
    assert "the Python interpreter /opt/other/bin/python3 is not the controller's own" in refusal


def test_a_delegate_to_localhost_on_the_controller_python_runs_in_process():
    task_vars = dict(ansible_delegated_vars={'localhost': controller_vars()}, ansible_python_interpreter='/usr/bin/python2')
    assert action(delegate_to='localhost').in_process_refusal(task_vars) is None


def test_become_runs_the_module():
    assert action(become=True).in_process_refusal(controller_vars()) == 'become is set: the module runs as another user'


def test_async_runs_the_module():
    assert action(async_val=30).in_process_refusal(controller_vars()) == 'async is set'


def test_another_interpreter_runs_the_module():
    refusal = action().in_process_refusal(dict(controller_vars(), ansible_python_interpreter='/usr/bin/python3'))
    assert "the Python interpreter /usr/bin/python3 is not the controller's own" in refusal


def test_missing_requests_runs_the_module(monkeypatch):
    monkeypatch.setattr(in_process, 'HAS_REQUESTS', False)
    assert action().in_process_refusal(controller_vars()) == 'requests is missing on the controller'


@pytest.mark.parametrize('value', [False, 'false', 'no', '0'])
def test_the_variable_turns_it_off(value):
    refusal = action().in_process_refusal(controller_vars(turbosmtp_in_process=value))
    assert refusal == 'turned off by the variable turbosmtp_in_process'


@pytest.mark.parametrize('value', ['0', 'false', 'no'])
def test_the_environment_variable_turns_it_off(monkeypatch, value):
    monkeypatch.setenv('TURBOSMTP_IN_PROCESS', value)
    assert action().in_process_refusal(controller_vars()) == 'turned off by the environment variable TURBOSMTP_IN_PROCESS'


def test_the_environment_variable_set_to_true_keeps_it_on(monkeypatch):
    monkeypatch.setenv('TURBOSMTP_IN_PROCESS', '1')
    assert action().in_process_refusal(controller_vars()) is None


def test_a_virtualenv_python_is_not_the_system_python_it_links_to(tmp_path):
    venv_bin = tmp_path / 'venv' / 'bin'
    venv_bin.mkdir(parents=True)
    (venv_bin / 'python').symlink_to(os.path.realpath(sys.executable))
    (venv_bin / 'python3').symlink_to(os.path.realpath(sys.executable))
    assert same_python(str(venv_bin / 'python3'), controller_python=str(venv_bin / 'python'))
    assert not same_python(os.path.realpath(sys.executable), controller_python=str(venv_bin / 'python'))
    assert not same_python(None)


def test_the_task_environment_is_seen_by_env_fallback_and_put_back(sim, monkeypatch):
    monkeypatch.delenv('TURBOSMTP_API_TOKEN', raising=False)
    monkeypatch.setenv('TURBOSMTP_EMAIL', 'before@example.com')
    with task_environment({'TURBOSMTP_EMAIL': 'ops@example.com', 'TURBOSMTP_PASSWORD': 'sim-password'}):
        result = run_module_in_process(AccountInfo, 'turbosmtp.api.turbosmtp_account_info',
                                       {'dashboard_url': sim.url}, check_mode=False, diff=False)
    assert os.environ['TURBOSMTP_EMAIL'] == 'before@example.com'
    assert 'TURBOSMTP_PASSWORD' not in os.environ
    assert result['account']['email'] == 'ops@example.com', result
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_in_process_check_mode_changes_nothing_and_returns_the_diff(sim, credentials):
    args = dict(credentials, click_tracking=False, open_tracking=True)
    result = run_module_in_process(Tracking, 'turbosmtp.api.turbosmtp_tracking', args, check_mode=True, diff=True)
    assert 'diff' in result and result['changed'] is True, result
    assert not [request for request in sim.requests() if request['method'] in ('POST', 'PUT', 'DELETE')
                and 'tracking' in request['path']]


def test_in_process_validation_failure_is_a_clear_message(sim):
    result = run_module_in_process(AccountInfo, 'turbosmtp.api.turbosmtp_account_info',
                                   {'dashboard_url': sim.url, 'timeout': 'soon'}, check_mode=False, diff=False)
    assert result['failed'] is True
    assert 'timeout' in result['msg'] and 'Traceback' not in result['msg']
    assert not sim.requests()


def test_the_tracking_action_runs_the_tracking_module():
    plugin = action(plugin=TrackingAction)
    assert plugin.module_class is Tracking and plugin.module_name == 'turbosmtp.api.turbosmtp_tracking'


def masked_as_ansible_module_masks(result, secrets):
    """AnsibleModule's own masking of a result (_return_formatted): remove_values, top-level booleans and null kept."""
    kept = dict((key, value) for key, value in result.items() if value is None or isinstance(value, bool))
    masked = remove_values(result, secrets)
    masked.update(kept)
    return json.loads(json.dumps(masked))


# Texts built from pieces of the secrets, so that secrets turn up whole, in part and inside other text.
SECRET_PIECES = ['s3cret', 'tok', 'en', 'e', 'True', 'None', '1', '2.5', '"', '\\', '\n', '\u00e9', '\u2028', ' ']
texts = st.lists(st.sampled_from(SECRET_PIECES), max_size=4).map(''.join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 30), st.sampled_from([2.5, -0.0, 1e16]), texts)


def containers(inner):
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4))


values = st.recursive(scalars, containers, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(result=st.dictionaries(texts, values, max_size=5), secrets=st.sets(texts, max_size=3))
@example(result={'rows': ['line\nbreak', 'quote " and \\ back']}, secrets={'\n', '" and \\'})
@example(result={'rows': [True, None, 12, 2.5], 'changed': True}, secrets={'ru', 'on', '2', '.5'})
def test_masking_matches_ansible_module(result, secrets):
    assert json.loads(masked_json(result, secrets)) == masked_as_ansible_module_masks(result, secrets)


def test_a_secret_in_the_rows_is_masked_and_the_rows_without_it_kept():
    rows = [dict(id=index, subject='Release %d' % index, error=None, opened=index % 2 == 0) for index in range(3000)]
    rows[1234]['subject'] = 'token s3cret-t0ken leaked'
    result = dict(changed=False, emails=rows, invocation=dict(module_args=dict(api_token='s3cret-t0ken', limit=None)))
    masked = json.loads(masked_json(result, {'s3cret-t0ken'}))
    assert masked == masked_as_ansible_module_masks(result, {'s3cret-t0ken'})
    assert masked['emails'][1234]['subject'] == 'token ******** leaked'
    assert masked['invocation']['module_args']['api_token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert masked['emails'][:1234] == rows[:1234]


def test_a_proxy_in_the_task_environment_carries_the_in_process_requests(sim, relay, token, monkeypatch):
    for name in ('HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    proxy = relay()
    with task_environment({'HTTP_PROXY': proxy.url}):
        result = run_module_in_process(AccountInfo, 'turbosmtp.api.turbosmtp_account_info',
                                       {'dashboard_url': 'http://turbosmtp.test', 'api_token': token},
                                       check_mode=False, diff=False)
    assert result['account']['email'] == 'ops@example.com', result
    assert proxy.seen == ['http://turbosmtp.test/api/user/info']
    assert 'HTTP_PROXY' not in os.environ
