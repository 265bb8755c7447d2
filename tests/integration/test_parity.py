"""The in-process path and ordinary module execution give the same results.

Every turboSMTP action plugin runs the module's code inside the controller's worker when the task
runs on the controller's own Python, and as an ordinary module otherwise (TURBOSMTP_IN_PROCESS=0
forces that). The same playbook, run both ways against the same simulator world, must produce the
same task results, the same requests at the API, and say with -vvv which path each task took."""

import base64
import json
import subprocess
import time
from pathlib import Path

import pytest
import requests
from ansible import constants as C

from conftest import DEFAULT_WORLD, playbook_env, sim_vars
from sim_harness import self_signed_certificate
from simulator import CONSUMER_SECRET, PASSWORD

EVERY_MODULE = Path(__file__).parent / 'parity' / 'every_module.yml'
CALLBACKS = Path(__file__).parent / 'parity' / 'callback_plugins'
IN_PROCESS = 'running in-process'
AS_MODULE = 'running as a module'


def run(sim, playbook, in_process, *args, extra_vars=None, result_log=None, extra_env=None, cwd=None):
    sim.reset(**DEFAULT_WORLD)
    # Interpreter discovery may find another Python on PATH than the one running ansible-playbook;
    # the in-process path needs the controller's own, as a user would set it for localhost.
    variables = dict(sim_vars(sim), ansible_python_interpreter='{{ ansible_playbook_python }}')
    variables.update(extra_vars or {})
    env = playbook_env(sim, dict(TURBOSMTP_IN_PROCESS='1' if in_process else '0', ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
                                 PARITY_RESULT_LOG=str(result_log or '/dev/null'), **(extra_env or {})))
    command = ['ansible-playbook', '-i', 'localhost,', '-c', 'local', str(playbook), '-e', json.dumps(variables)]
    return subprocess.run(command + list(args), env=env, cwd=str(cwd or Path(playbook).parent), capture_output=True,
                          text=True, timeout=600, check=False)


def task_results(result_log):
    """(task name, status, result) of every task, as the controller received it."""
    return [tuple(json.loads(line)) for line in result_log.read_text().splitlines()]


def requests_seen(sim):
    """What reached the API, in order per path, without per-run values (timestamps, generated tokens)."""
    return sorted((request['method'], request['path'].split('?')[0]) for request in sim.requests()
                  if not request['path'].startswith('/_sim'))


def test_every_module_gives_the_same_results_both_ways_and_says_which_path_it_took(sim, tmp_path):
    module_log, in_process_log = tmp_path / 'module.jsonl', tmp_path / 'in_process.jsonl'
    # `invocation` is where masking shows most; ansible-core 2.21+ returns it only when asked to.
    with_invocation = {'ANSIBLE_INJECT_INVOCATION': '1'}
    # -vvv changes what is printed, not the results: one pair of runs checks both.
    module_run = run(sim, EVERY_MODULE, False, '-vvv', result_log=module_log, extra_env=with_invocation)
    module_requests, module_messages = requests_seen(sim), len(sim.messages())
    in_process_run = run(sim, EVERY_MODULE, True, '-vvv', result_log=in_process_log, extra_env=with_invocation)
    assert module_run.returncode == 0, module_run.stdout[-6000:] + module_run.stderr[-3000:]
    assert in_process_run.returncode == 0, in_process_run.stdout[-6000:] + in_process_run.stderr[-3000:]
    module_results, in_process_results = task_results(module_log), task_results(in_process_log)
    assert [name for name, _status, _result in in_process_results] == [name for name, _status, _result in module_results]
    for expected, actual in zip(module_results, in_process_results):
        assert actual == expected, expected[0]
    assert requests_seen(sim) == module_requests
    assert len(sim.messages()) == module_messages == 3
    # The results are not trivially equal: failures, masking, diffs and warnings are all there.
    by_name = dict((name, result) for name, _status, result in in_process_results)
    assert by_name['Fail with a wrong password (http_status, error_code)']['http_status'] == 401
    assert 'no_such_option' in by_name['Fail on an unknown option']['msg']
    assert by_name['Declare tracking with a diff']['diff']['after']['open_tracking'] is True
    assert by_name['Clean up spam reports in check mode with a diff']['diff']['after'] == {'ids': []}
    assert 'path' in by_name['Fail with an unknown attachment on the controller']['msg']
    assert 'The password is ********, masked' in json.dumps(by_name['Send with an alias (sender) and email and password'])
    assert PASSWORD not in json.dumps(by_name), 'a no_log value was not masked in the results'
    # ansible-core words sub-option alias warnings through its global warn(), which in-process must collect too.
    assert by_name['Check a batch with an option and its alias in a message (messages[0].from and messages[0].sender)'][
        'warnings'] == ['Both option messages[0].from and its alias messages[0].sender are set.']
    for completed in (module_run, in_process_run):
        assert CONSUMER_SECRET not in completed.stdout and PASSWORD not in completed.stdout
    assert IN_PROCESS in in_process_run.stdout and AS_MODULE not in in_process_run.stdout
    assert 'AnsiballZ' not in in_process_run.stdout
    assert 'turned off by the environment variable TURBOSMTP_IN_PROCESS' in module_run.stdout
    assert IN_PROCESS not in module_run.stdout and 'AnsiballZ_turbosmtp_' in module_run.stdout


ONE_TASK = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the account
      turbosmtp.api.turbosmtp_account_info:
        email: "{{ sim_email }}"
        password: "{{ sim_password }}"
'''


def test_variable_and_interpreter_send_a_task_to_module_execution(sim, tmp_path):
    playbook = tmp_path / 'one_task.yml'
    playbook.write_text(ONE_TASK)
    turned_off = run(sim, playbook, True, '-vvv', extra_vars={'turbosmtp_in_process': False})
    assert turned_off.returncode == 0, turned_off.stdout[-4000:]
    assert 'running as a module: turned off by the variable turbosmtp_in_process' in turned_off.stdout
    other_python = run(sim, playbook, True, '-vvv', extra_vars={'ansible_python_interpreter': '/usr/bin/python3'})
    assert "running as a module: the Python interpreter /usr/bin/python3 is not the controller's own" in other_python.stdout
    async_task = tmp_path / 'async.yml'
    async_task.write_text(ONE_TASK.replace('    - name: Read the account\n', '    - name: Read the account\n      async: 30\n      poll: 1\n'))
    # An absolute async dir: "~" expands through $HOME for the job and through the passwd entry for its status.
    in_async = run(sim, async_task, True, '-vvv', extra_env={'ANSIBLE_ASYNC_DIR': str(tmp_path / 'async')})
    assert in_async.returncode == 0, in_async.stdout[-4000:]
    assert 'running as a module: async is set' in in_async.stdout


def test_invocation_is_returned_both_ways_when_ansible_core_would_return_it(sim, tmp_path):
    """ansible-core 2.21+ returns a module's `invocation` only with INJECT_INVOCATION on (off by default), earlier releases always."""
    playbook = tmp_path / 'one_task.yml'
    playbook.write_text(ONE_TASK)
    core_has_the_setting = bool(C.config.get_configuration_definition('INJECT_INVOCATION'))
    for extra_vars, expected in (({}, not core_has_the_setting), ({'ansible_inject_invocation': True}, True)):
        for in_process in (True, False):
            result_log = tmp_path / ('%s-%d.jsonl' % (in_process, len(extra_vars)))
            completed = run(sim, playbook, in_process, result_log=result_log, extra_vars=extra_vars)
            assert completed.returncode == 0, completed.stdout[-4000:]
            [(_name, _status, result)] = task_results(result_log)
            assert ('invocation' in result) is expected, (in_process, extra_vars, result)
            if expected:
                assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_the_task_environment_decides_the_path(sim, tmp_path):
    playbook = tmp_path / 'one_task.yml'
    playbook.write_text(ONE_TASK)
    python_variables = tmp_path / 'python_variables.yml'
    python_variables.write_text(ONE_TASK.replace('      turbosmtp.api.turbosmtp_account_info:\n',
                                                 '      environment: {PYTHONWARNINGS: "error::DeprecationWarning", PYTHONHASHSEED: "7"}\n'
                                                 '      turbosmtp.api.turbosmtp_account_info:\n'))
    started_anew = run(sim, python_variables, True, '-vvv')
    assert started_anew.returncode == 0, started_anew.stdout[-4000:]
    assert ("running as a module: the task's environment sets PYTHONHASHSEED, PYTHONWARNINGS, which only a new Python "
            "interpreter honours") in started_anew.stdout
    switched_off = tmp_path / 'switched_off.yml'
    switched_off.write_text(ONE_TASK.replace('      turbosmtp.api.turbosmtp_account_info:\n',
                                             '      environment: {TURBOSMTP_IN_PROCESS: "0"}\n'
                                             '      turbosmtp.api.turbosmtp_account_info:\n'))
    in_task_environment = run(sim, switched_off, True, '-vvv')
    assert in_task_environment.returncode == 0, in_task_environment.stdout[-4000:]
    assert 'running as a module: turned off by the environment variable TURBOSMTP_IN_PROCESS' in in_task_environment.stdout


RELATIVE_PATHS = '''
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/turbosmtp.api.turbosmtp:
      dashboard_url: "{{ sim_url }}"
      email: "{{ sim_email }}"
      password: "{{ sim_password }}"
  tasks:
    - name: Export the stats to a path relative to the playbook
      turbosmtp.api.turbosmtp_stats_info:
        start: '2025-12-01'
        end: '2026-07-31'
        tz: '+00:00'
        csv_dest: exports/stats.csv
    - name: Export the bounces to a path relative to the playbook
      turbosmtp.api.turbosmtp_reports_info:
        type: bounce
        all: true
        csv_dest: exports/bounces.csv
    - name: Attach a file of the host the module runs on, by a relative path
      turbosmtp.api.turbosmtp_send:
        send_url: "{{ sim_url }}"
        consumer_key: "{{ sim_consumer_key }}"
        consumer_secret: "{{ sim_consumer_secret }}"
        from: deploy@example.com
        to: [ops@example.org]
        subject: Relative
        content: Attached.
        remote_src: true
        attachments: [{path: notes/release.txt}]
'''


def test_relative_paths_resolve_where_the_module_runs(sim, tmp_path):
    """ansible-core runs a local module in the playbook's directory, whatever the shell's is: so does in-process."""
    outcome = {}
    for in_process in (False, True):
        play_dir, shell_dir = tmp_path / str(in_process) / 'play', tmp_path / str(in_process) / 'shell'
        for folder in (play_dir / 'exports', play_dir / 'notes', shell_dir / 'exports', shell_dir / 'notes'):
            folder.mkdir(parents=True)
        (play_dir / 'notes' / 'release.txt').write_text('from the playbook directory\n')
        (shell_dir / 'notes' / 'release.txt').write_text('from the shell directory\n')
        playbook = play_dir / 'relative.yml'
        playbook.write_text(RELATIVE_PATHS)
        result_log = tmp_path / ('%s.jsonl' % in_process)
        # Only module_defaults reach the simulator: the routing must leave them applying to every module.
        completed = run(sim, playbook, in_process, result_log=result_log, cwd=shell_dir,
                        extra_env={'TURBOSMTP_DASHBOARD_URL': 'http://127.0.0.1:9', 'TURBOSMTP_SEND_URL': 'http://127.0.0.1:9'})
        assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
        assert sorted(path.name for path in (play_dir / 'exports').iterdir()) == ['bounces.csv', 'stats.csv']
        assert not list((shell_dir / 'exports').iterdir()), 'a CSV export went to the shell\'s directory'
        assert (play_dir / 'exports' / 'stats.csv').read_text().count('\n') > 100
        attachment = sim.messages()[-1]['attachments'][0]
        assert base64.b64decode(attachment['content']) == b'from the playbook directory\n'
        outcome[in_process] = task_results(result_log)
    assert outcome[True] == outcome[False]


TIMED_OUT = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Make the request after the login hang
      ansible.builtin.uri:
        url: "{{ sim_url }}/_sim/faults"
        method: POST
        body_format: json
        body: {kind: hang, seconds: 5, path: /api/user/info}
        status_code: 201
    - name: Read the account, cut short by the task's timeout  # noqa: ignore-errors
      turbosmtp.api.turbosmtp_account_info:
        dashboard_url: "{{ sim_url }}"
        email: "{{ sim_email }}"
        password: "{{ sim_password }}"
      timeout: 3
      ignore_errors: true
      register: cut_short
    - name: The task was cut short by its timeout (the wording differs between ansible-core releases)
      ansible.builtin.assert:
        that: cut_short is failed and (cut_short.msg is search('Timed out after 3') or cut_short.msg is search('expected time frame'))
'''


@pytest.mark.parametrize('in_process', [True, False], ids=['in-process', 'module'])
def test_a_task_cut_short_by_its_timeout_leaves_no_token_alive(sim, tmp_path, in_process):
    """In-process, the timeout interrupts the module's own code, which must still revoke its token. As a module,
    ansible-core leaves the module process running after the timeout: it revokes the token when its hung request ends."""
    playbook = tmp_path / 'timed_out.yml'
    playbook.write_text(TIMED_OUT)
    completed = run(sim, playbook, in_process, '-vvv')
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    assert (IN_PROCESS if in_process else AS_MODULE) in completed.stdout
    logins = [request for request in sim.requests() if request['path'] == '/api/authorize']
    assert [request['status'] for request in logins] == [200], 'the module did not log in before the timeout'
    deadline = time.monotonic() + 8  # the revocation itself is bounded (5 s)
    while sim_state(sim)['tokens'] and time.monotonic() < deadline:
        time.sleep(0.25)
    assert sim_state(sim)['tokens'] == 0, 'the token the module asked for is still alive'


def sim_state(sim):
    return requests.get(sim.url + '/_sim/state', timeout=5).json()


UNVERIFIED_TLS = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the account over TLS without checking the certificate
      turbosmtp.api.turbosmtp_account_info:
        dashboard_url: "{{ tls_url }}"
        email: "{{ sim_email }}"
        password: "{{ sim_password }}"
        validate_certs: false
'''


def test_an_unverified_certificate_prints_nothing_either_way(sim, relay, tmp_path):
    """urllib3 warns about every unverified HTTPS request; a module process keeps that to itself, so must in-process."""
    tls = relay(self_signed_certificate(tmp_path))
    playbook = tmp_path / 'unverified_tls.yml'
    playbook.write_text(UNVERIFIED_TLS)
    results = {}
    for in_process in (False, True):
        result_log = tmp_path / ('%s.jsonl' % in_process)
        completed = run(sim, playbook, in_process, extra_vars={'tls_url': tls.url}, result_log=result_log)
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-3000:]
        assert 'Unverified HTTPS request' not in completed.stdout + completed.stderr
        assert 'errantly sent data directly to stderr' not in completed.stdout + completed.stderr
        results[in_process] = task_results(result_log)
    assert results[True] == results[False]
    assert results[True][0][2]['account']['email'] == 'ops@example.com'
    assert tls.seen == 2 * ['/api/authorize', '/api/user/info', '/api/deauthorize'], 'the requests did not all go through TLS'
