"""The in-process path and ordinary module execution give the same results.

Every turboSMTP action plugin runs the module's code inside the controller's worker when the task
runs on the controller's own Python, and as an ordinary module otherwise (TURBOSMTP_IN_PROCESS=0
forces that). The same playbook, run both ways against the same simulator world, must produce the
same task results, the same requests at the API, and say with -vvv which path each task took."""

import json
import subprocess
from pathlib import Path

from conftest import DEFAULT_WORLD, playbook_env, sim_vars
from simulator import CONSUMER_SECRET, PASSWORD

EVERY_MODULE = Path(__file__).parent / 'parity' / 'every_module.yml'
CALLBACKS = Path(__file__).parent / 'parity' / 'callback_plugins'
IN_PROCESS = 'running in-process'
AS_MODULE = 'running as a module'


def run(sim, playbook, in_process, *args, extra_vars=None, result_log=None, extra_env=None):
    sim.reset(**DEFAULT_WORLD)
    # Interpreter discovery may find another Python on PATH than the one running ansible-playbook;
    # the in-process path needs the controller's own, as a user would set it for localhost.
    variables = dict(sim_vars(sim), ansible_python_interpreter='{{ ansible_playbook_python }}')
    variables.update(extra_vars or {})
    env = playbook_env(sim, dict(TURBOSMTP_IN_PROCESS='1' if in_process else '0', ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS),
                                 PARITY_RESULT_LOG=str(result_log or '/dev/null'), **(extra_env or {})))
    command = ['ansible-playbook', '-i', 'localhost,', '-c', 'local', str(playbook), '-e', json.dumps(variables)]
    return subprocess.run(command + list(args), env=env, cwd=str(Path(playbook).parent), capture_output=True,
                          text=True, timeout=600, check=False)


def task_results(result_log):
    """(task name, status, result) of every task, as the controller received it."""
    return [tuple(json.loads(line)) for line in result_log.read_text().splitlines()]


def requests_seen(sim):
    """What reached the API, in order per path, without per-run values (timestamps, generated tokens)."""
    return sorted((request['method'], request['path'].split('?')[0]) for request in sim.requests()
                  if not request['path'].startswith('/_sim'))


def test_every_module_gives_the_same_results_both_ways(sim, tmp_path):
    module_log, in_process_log = tmp_path / 'module.jsonl', tmp_path / 'in_process.jsonl'
    module_run = run(sim, EVERY_MODULE, False, result_log=module_log)
    module_requests, module_messages = requests_seen(sim), len(sim.messages())
    in_process_run = run(sim, EVERY_MODULE, True, result_log=in_process_log)
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
    assert CONSUMER_SECRET not in in_process_run.stdout


def test_verbose_output_says_which_path_a_task_took(sim):
    in_process_run = run(sim, EVERY_MODULE, True, '-vvv')
    module_run = run(sim, EVERY_MODULE, False, '-vvv')
    assert in_process_run.returncode == 0 and module_run.returncode == 0
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
