"""Which path a turboSMTP task takes: in-process in the controller's worker only when the module
would run on the controller's own Python anyway, ordinary module execution in every other case.
The action plugins are built from real ansible-core objects (task, play context, connection)."""

import json
import os
import subprocess
import sys
import warnings

import pytest
from ansible.executor import interpreter_discovery
from ansible.module_utils.common import parameters
from ansible.module_utils.common import warnings as warning_store
from ansible.module_utils.common.parameters import remove_values
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import connection_loader
from ansible.template import Templar
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.turbosmtp.api.plugins.action.turbosmtp_account_info import ActionModule
from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_account_info import AccountInfo
from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_send import Send
from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_tracking import Tracking
from ansible_collections.turbosmtp.api.plugins.plugin_utils import in_process
from ansible_collections.turbosmtp.api.plugins.plugin_utils.in_process import (
    masked_json,
    run_module_in_process,
    same_python,
    task_environment,
)


def action(connection='local', become=False, async_val=0, delegate_to=None, args=None, plugin=ActionModule,
           resolved_action='turbosmtp.api.turbosmtp_account_info'):
    task = Task()
    task.args = dict(args or {})
    task.action = resolved_action
    if isinstance(getattr(Task, 'resolved_action', None), property):  # read-only since ansible-core 2.17
        task._resolved_action = resolved_action
    else:
        task.resolved_action = resolved_action
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


# What a module process would see and print: the task's environment decides, the warnings land in the result.

def test_python_variables_in_the_task_environment_run_the_module():
    plugin = action()
    plugin._task.environment = [{'PYTHONWARNINGS': 'error', 'PYTHONPATH': '/opt/other', 'TURBOSMTP_EMAIL': 'ops@example.com'}]
    refusal = plugin.in_process_refusal(controller_vars())
    assert refusal == "the task's environment sets PYTHONPATH, PYTHONWARNINGS, which only a new Python interpreter honours"


def test_a_python_variable_the_controller_already_has_keeps_it_in_process(monkeypatch):
    monkeypatch.setenv('PYTHONWARNINGS', 'ignore')
    plugin = action()
    plugin._task.environment = [{'PYTHONWARNINGS': 'ignore'}]
    assert plugin.in_process_refusal(controller_vars()) is None


@pytest.mark.parametrize('controller, task, refused', [(None, '0', True), ('1', 'false', True), ('0', '1', False)])
def test_the_switch_in_the_task_environment_wins(monkeypatch, controller, task, refused):
    if controller is not None:
        monkeypatch.setenv('TURBOSMTP_IN_PROCESS', controller)
    plugin = action()
    plugin._task.environment = [{'TURBOSMTP_IN_PROCESS': task}]
    refusal = plugin.in_process_refusal(controller_vars())
    assert refusal == ('turned off by the environment variable TURBOSMTP_IN_PROCESS' if refused else None)


def test_sub_option_alias_warnings_are_in_the_result(sim, send_credentials):
    both = {'from': 'deploy@example.com', 'sender': 'deploy@example.com'}
    args = dict(send_credentials, subject='Hello', content='Hello.', messages=[dict(both, to=['a@example.org'])], **both)
    result = run_module_in_process(Send, 'turbosmtp.api.turbosmtp_send', args, check_mode=True, diff=False)
    # AnsibleModule's order: sub-options while validating, then the top level.
    assert result['warnings'] == ['Both option messages[0].from and its alias messages[0].sender are set.',
                                  'Both option from and its alias sender are set.'], result
    assert not sim.messages()


def test_python_warnings_stay_off_stderr(sim, relay, certificate, token):
    tls = relay(certificate)
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter('always')
        result = run_module_in_process(AccountInfo, 'turbosmtp.api.turbosmtp_account_info',
                                       {'dashboard_url': tls.url, 'api_token': token, 'validate_certs': False},
                                       check_mode=False, diff=False)
    assert result['account']['email'] == 'ops@example.com', result
    assert tls.seen, 'the request did not go through the TLS relay'
    assert [str(warning.message) for warning in escaped] == []


class EchoesItsUrl(AccountInfo):
    """A module that learns a secret while it runs (a URL's password) and returns text holding it."""

    def run(self, *_parsed):
        self.module.no_log_values.add('url-s3cret')
        return dict(changed=False, seen='https://ops:url-s3cret@turbosmtp.test/api')


def test_no_log_values_the_module_adds_while_it_runs_are_masked(sim):
    result = run_module_in_process(EchoesItsUrl, 'turbosmtp.api.turbosmtp_account_info', {'dashboard_url': sim.url},
                                   check_mode=False, diff=False)
    assert result['seen'] == 'https://ops:********@turbosmtp.test/api', result


@pytest.mark.parametrize('extra', [{}, {'no_such_option': 1}])
def test_a_password_in_a_url_is_masked_in_process(sim, extra):
    url = sim.url.replace('http://', 'http://ops:url-s3cret@')
    result = run_module_in_process(AccountInfo, 'turbosmtp.api.turbosmtp_account_info',
                                   dict(extra, dashboard_url=url, api_token='unused'), check_mode=False, diff=False)
    assert result['failed'] is True
    assert 'url-s3cret' not in json.dumps(result), result
    assert result['invocation']['module_args']['dashboard_url'].endswith('********@' + sim.url[len('http://'):])
    assert not sim.requests()


@pytest.mark.parametrize('extra', [{}, {'no_such_option': 1}])
def test_without_invocation_injection_no_invocation_is_returned(sim, extra):
    """ansible-core 2.21's default: AnsibleModule drops `invocation` from every result, a failed one too."""
    result = run_module_in_process(AccountInfo, 'turbosmtp.api.turbosmtp_account_info',
                                   dict(extra, dashboard_url=sim.url, email='ops@example.com', password='sim-password'),
                                   check_mode=False, diff=False, inject_invocation=False)
    assert 'invocation' not in result, result
    assert bool(result.get('failed')) is bool(extra), result


@pytest.mark.parametrize('variables, expected', [({}, False), ({'ansible_inject_invocation': True}, True)])
def test_invocation_is_wanted_as_ansible_core_decides(variables, expected):
    if not in_process.C.config.get_configuration_definition(in_process.INJECT_INVOCATION_SETTING):
        expected = True  # before ansible-core 2.21, AnsibleModule always returns it
    assert in_process.invocation_wanted(variables) is expected


# One action plugin for every module: the module is the task's own.

@pytest.mark.parametrize('name, module_class', [('turbosmtp.api.turbosmtp_tracking', Tracking),
                                                ('turbosmtp.api.turbosmtp_send', Send),
                                                ('turbosmtp.api.turbosmtp_account_info', AccountInfo)])
def test_the_module_class_comes_from_the_task_action(name, module_class):
    plugin = action(plugin=ActionModule, resolved_action=name)
    assert plugin.module_class is module_class and plugin.module_name == name


def test_an_action_that_is_no_module_of_the_collection_runs_as_a_module():
    plugin = action(plugin=ActionModule, resolved_action='community.general.something')
    assert plugin.in_process_refusal(controller_vars()) == (
        'its code cannot be loaded here (community.general.something is not a module of turbosmtp.api)')


# Each private part of ansible-core that in-process execution relies on, taken away in turn: the task runs as a module.

def without_validation_attribute(name):
    def take_away(monkeypatch):
        original = in_process.ArgumentSpecValidator.validate

        def validate(self, parameters):
            result = original(self, parameters)
            delattr(result, name)
            return result
        monkeypatch.setattr(in_process.ArgumentSpecValidator, 'validate', validate)
    return take_away


def sub_option_warnings_elsewhere(monkeypatch):
    """A core whose validation no longer calls parameters.warn (and so bypasses the collector put there)."""
    original = in_process.ArgumentSpecValidator.validate

    def validate(self, parameters_given):
        collector = parameters.warn
        parameters.warn = lambda message: None
        try:
            return original(self, parameters_given)
        finally:
            parameters.warn = collector
    monkeypatch.setattr(in_process.ArgumentSpecValidator, 'validate', validate)


CORE_FEATURES = {
    'ValidationResult._no_log_values': (without_validation_attribute('_no_log_values'), 'ValidationResult._no_log_values'),
    'ValidationResult._warnings': (without_validation_attribute('_warnings'), 'ValidationResult._warnings'),
    'ValidationResult._deprecations': (without_validation_attribute('_deprecations'), 'ValidationResult._deprecations'),
    'ActionBase._compute_environment_string': (
        lambda monkeypatch: monkeypatch.delattr(ActionBase, '_compute_environment_string'),
        'ActionBase._compute_environment_string is missing'),
    'discover_interpreter': (
        lambda monkeypatch: monkeypatch.delattr(interpreter_discovery, 'discover_interpreter'),
        'discover_interpreter is missing'),
    'discover_interpreter arguments': (
        lambda monkeypatch: monkeypatch.setattr(interpreter_discovery, 'discover_interpreter', lambda action, name, mode, variables: None),
        'discover_interpreter takes other arguments'),
    'unsupported parameters text': (
        lambda monkeypatch: monkeypatch.setattr(in_process, 'UNSUPPORTED_FORMAT', 'Unknown options for ({name}) {kind}: {msg}'),
        'ansible.module_utils.basic words its message differently'),
    'alias warning text': (
        lambda monkeypatch: monkeypatch.setattr(in_process, 'ALIAS_WARNING_FORMAT', 'Option {option} and alias {alias} both set.'),
        'ansible.module_utils.common.arg_spec words its message differently'),
    'the warning store': (
        lambda monkeypatch: monkeypatch.delattr(warning_store, '_global_warnings'),
        'ansible.module_utils.common.warnings._global_warnings is missing'),
    'sub-option warnings through warn()': (
        lambda monkeypatch: monkeypatch.delattr(parameters, 'warn'),
        'ansible.module_utils.common.parameters.warn is missing'),
    'sub-option warnings elsewhere': (
        sub_option_warnings_elsewhere,
        'sub-option alias warnings do not go through ansible.module_utils.common.parameters.warn'),
}


@pytest.fixture
def core_features_checked_again(monkeypatch):
    yield
    monkeypatch.undo()
    in_process.core_feature_problem(refresh=True)


@pytest.mark.parametrize('feature', sorted(CORE_FEATURES))
def test_a_missing_core_feature_runs_the_task_as_a_module(monkeypatch, core_features_checked_again, feature):
    take_away, reason = CORE_FEATURES[feature]
    assert in_process.core_feature_problem(refresh=True) is None
    take_away(monkeypatch)
    in_process.core_feature_problem(refresh=True)
    plugin = action(args={'api_token': 'unused'})
    refusal = plugin.in_process_refusal(controller_vars())
    assert refusal.startswith('in-process execution needs what this ansible-core does not offer: ')
    assert reason in refusal
    executed = []
    plugin._execute_module = lambda **kwargs: executed.append(kwargs) or dict(changed=False, ran='as a module')
    plugin._remove_tmp_path = lambda path: None
    if feature != 'ActionBase._compute_environment_string':  # without it the module path cannot run either
        assert plugin.run(task_vars=controller_vars())['ran'] == 'as a module'
        assert executed[0]['module_name'] == 'turbosmtp.api.turbosmtp_account_info'


def test_discovery_warnings_that_are_no_list_run_the_module():
    plugin = action()
    plugin._discovery_warnings = None
    assert 'ActionBase._discovery_warnings is not a list' in plugin.in_process_refusal(controller_vars())


@pytest.mark.parametrize('name', ['_discovered_interpreter_key', '_discovered_interpreter'])
def test_missing_discovery_state_runs_the_module(name):
    plugin = action()
    delattr(plugin, name)
    assert 'ActionBase.%s is missing' % name in plugin.in_process_refusal(controller_vars())


def test_an_action_plugin_loads_its_module_before_the_workers_fork():
    """The strategy imports the action plugin in the main process: the module it serves comes with it, once."""
    code = ('import sys; import ansible_collections.turbosmtp.api.plugins.action.turbosmtp_stats_info; '
            'print(sorted(name.rpartition(".")[2] for name in sys.modules if ".plugins.modules." in name))')
    # The directory that holds ansible_collections/: ansible-test units makes it importable in its own process only.
    collections_root = os.path.abspath(__file__).rpartition(os.sep + 'ansible_collections' + os.sep)[0]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [collections_root, os.environ.get('PYTHONPATH')])))
    loaded = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True, env=env).stdout
    assert loaded.strip() == "['turbosmtp_stats_info']"
