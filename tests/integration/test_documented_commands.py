"""Every shell command and playbook of README.md, the user guide and docs/examples/README.md, run as a new
user runs it.

The user: a checkout (here a copy of this one, so nothing is written into the checkout), a virtualenv
with ansible-core and requests on PATH (the project's .venv), a home directory of their own, no
ANSIBLE_* or TURBOSMTP_* settings, and the collection installed from the tarball with the README's
command, not this checkout's collections path. The commands are taken from the documents' code blocks
and run as written; only connection settings are the test's own: the TURBOSMTP_* environment variables
the docs name, the simulator's port (8025 in the docs, a free port here), and the `vault_*` variables a
snippet reads its credentials from (the user's vault). A snippet that is a task, not a playbook, runs in
a play on `hosts: localhost`.

Every code block must be run here or be listed in NOT_HERE with the reason it cannot run on this machine
and what covers it instead; test_every_code_block_is_run_or_explained fails on a block that is neither.
The EDA guide's ansible-rulebook commands are run as written by the shipped rulebooks' behaviour tests in
tests/ecosystem/test_rulebook.py (run_guide_command).
"""

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
import yaml

from conftest import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, REPO

sys.path.insert(0, str(REPO / 'tests'))
from credential_types import injected  # noqa: E402

README = 'README.md'
GUIDE = 'docs/docsite/rst/guide.rst'
EXAMPLES_README = 'docs/examples/README.md'
DOCS = (README, GUIDE, EXAMPLES_README)
VENV_BIN = os.path.dirname(sys.executable)
DOC_PORT = '8025'
RUN_TIMEOUT = 600

# Shell commands that cannot run on this machine: why, and what runs in their place.
NOT_HERE = {
    './scripts/test.sh': 'the whole test suite, this test included; CI runs it on every change',
    'python3 -m pip install ansible-builder': 'installs from PyPI (network); `nox -s ecosystem` installs the pinned '
                                              'ansible-builder of tests/ecosystem/requirements.txt',
    'ansible-builder build': 'needs a container engine; tests/ecosystem/test_builder.py runs `ansible-builder create` on '
                             'the same definitions and the build\'s galaxy and introspection steps from the context',
    'podman push': 'needs podman and a registry',
    'ansible-galaxy collection install awx.awx ansible.eda': 'downloads from Galaxy (network); '
                                                             'test_aap_credential_types_playbook uses stand-ins',
}
# The README's first block, kept exactly as it is: the demo, then the test suite.
SETUP_BLOCK = './scripts/demo.sh   # the main job: start the bundled turboSMTP simulator and run the demo playbook against it'
# Every code block of the docs, by its document and first line: the test that runs it.
SHELL_BLOCKS = {
    (README, SETUP_BLOCK): 'test_readme_demo',
    (README, 'ansible-galaxy collection build && ansible-galaxy collection install turbosmtp-api-*.tar.gz'): 'user',
    (README, 'python3 -m simulator --port 8025 &'): 'test_readme_simulator_block',
    (GUIDE, 'python3 -m simulator --port 8025 &'): 'test_guide_simulator_block',
    (EXAMPLES_README, 'python3 -m simulator --port 8025 &'): 'test_readme_simulator_block',
    (GUIDE, 'molecule test -s tracking'): 'test_guide_molecule_command',
    (GUIDE, 'python3 -m pip install ansible-builder'): 'test_guide_environment_build_commands',
    (GUIDE, 'ansible-galaxy collection install awx.awx ansible.eda'): 'test_aap_credential_types_playbook',
}
YAML_BLOCKS = {
    (README, '- name: Declare tracking'): 'test_readme_module_defaults_playbook',
    (GUIDE, '- name: Create a token that does not expire'): 'test_guide_token_task',
    (GUIDE, '- name: Weekly report'): 'test_guide_module_defaults_playbook',
    (GUIDE, "- name: Summarise last week from the API's counts"): 'test_guide_summary_task',
    (GUIDE, 'ansible_connection: local'): 'test_guide_job_template_task',
    (GUIDE, '- name: Send the deployment notice'): 'test_guide_job_template_task',
}


# The documents' code blocks


def code_blocks(doc):
    """[(language, first line, text)] of a Markdown or reStructuredText document."""
    text = (REPO / doc).read_text()
    if doc.endswith('.md'):
        return [(lang, body.strip().splitlines()[0], body)
                for lang, body in re.findall(r'^```(\w*)\n(.*?)^```', text, re.M | re.S)]
    blocks = []
    for match in re.finditer(r'^\.\. code:: (\w+)\n\n((?:[ \t]+.*\n|\n)+)', text, re.M):
        body = textwrap.dedent(match.group(2)).strip('\n') + '\n'
        blocks.append((match.group(1), body.splitlines()[0], body))
    return blocks


def block(doc, first_line):
    found = [body for _lang, first, body in code_blocks(doc) if first == first_line]
    assert len(found) == 1, '%s has %d code blocks starting %r' % (doc, len(found), first_line)
    return found[0]


def shell_commands(body):
    """The commands of a shell block, a command continued with a backslash joined into one."""
    return [command for command in body.replace('\\\n', ' ').splitlines() if command.strip()]


def not_here(command):
    return next((reason for prefix, reason in NOT_HERE.items() if command.startswith(prefix)), None)


def test_every_code_block_is_run_or_explained():
    listed = set(SHELL_BLOCKS) | set(YAML_BLOCKS)
    found = set()
    for doc in DOCS:
        for lang, first, _body in code_blocks(doc):
            found.add((doc, first))
            assert lang in ('bash', 'yaml'), '%s: a %r block, run neither as shell nor as YAML: %s' % (doc, lang, first)
    assert found - listed == set(), 'code blocks no test runs (add them to SHELL_BLOCKS or YAML_BLOCKS, and run them)'
    assert listed - found == set(), 'blocks this test runs that the docs no longer have'
    for doc, first in SHELL_BLOCKS:
        for command in shell_commands(block(doc, first)):
            assert not command.startswith(('sudo', 'curl -sSL')), command


# The user's machine


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return str(probe.getsockname()[1])


def user_env(home, **extra):
    """A shell with the virtualenv activated, nothing of this checkout's test setup."""
    env = dict((key, value) for key, value in os.environ.items()
               if not key.startswith(('ANSIBLE_', 'TURBOSMTP_', 'MOLECULE_', 'PYTEST_'))
               and key not in ('PYTHONPATH', 'VIRTUAL_ENV'))
    if os.environ.get('TURBOSMTP_IN_PROCESS'):  # the parity stage runs every task as an ordinary module
        env['TURBOSMTP_IN_PROCESS'] = os.environ['TURBOSMTP_IN_PROCESS']
    env.update(HOME=str(home), VIRTUAL_ENV=os.path.dirname(VENV_BIN), ANSIBLE_NOCOLOR='1',
               PATH=os.pathsep.join([VENV_BIN, '/usr/local/bin', '/usr/bin', '/bin']))
    env.update(extra)
    return env


def copy_checkout(destination):
    ignored = shutil.ignore_patterns('.git', '.venv*', '.cache', '.pytest_cache', '.hypothesis', '.ansible', '.ruff_cache',
                                     '__pycache__', '*.tar.gz', 'output', 'build', 'context', '.nox')
    shutil.copytree(str(REPO), str(destination), ignore=ignored, symlinks=True)
    return destination


@pytest.fixture(scope='module')
def user(tmp_path_factory):
    """A copy of the checkout, a home, and the collection installed with the README's command."""
    root = tmp_path_factory.mktemp('user')
    checkout = copy_checkout(root / 'checkout')
    home = root / 'home'
    home.mkdir()
    env = user_env(home)
    command = block(README, 'ansible-galaxy collection build && ansible-galaxy collection install turbosmtp-api-*.tar.gz')
    result = subprocess.run(['bash', '-ec', command], cwd=str(checkout), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=RUN_TIMEOUT, check=False)
    assert result.returncode == 0, result.stdout[-5000:]
    installed = home / '.ansible' / 'collections' / 'ansible_collections' / 'turbosmtp' / 'api'
    manifest = json.loads((installed / 'MANIFEST.json').read_text())
    version = yaml.safe_load((REPO / 'galaxy.yml').read_text())['version']
    assert manifest['collection_info']['version'] == version
    return {'checkout': checkout, 'home': home, 'env': env, 'installed': installed}


@contextmanager
def shell(commands, cwd, env, timeout=RUN_TIMEOUT):
    """Run commands as one bash script (set -e), like a user pasting them; whatever they left running in
    the background (the simulator) runs until the with block ends."""
    log_path = Path(cwd).parent / ('shell-%d.log' % time.monotonic_ns())
    with open(str(log_path), 'w') as log:
        process = subprocess.Popen(['bash', '-ec', '\n'.join(commands)], cwd=str(cwd), env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pytest.fail('timed out:\n' + log_path.read_text()[-5000:])
            yield {'rc': process.returncode, 'output': log_path.read_text()}
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def sim_get(url, path):
    with urllib.request.urlopen(url + path, timeout=10) as answer:
        return json.loads(answer.read().decode('utf-8'))


def runnable(body, port):
    commands = [command.replace(DOC_PORT, port) for command in shell_commands(body)]
    return [command for command in commands if not not_here(command)]


# README.md


def venv_alias(target, source):
    """A virtualenv at `target` that is `source` (bin/ entries and lib/ linked), so that what a script writes
    into its virtualenv (scripts/env.sh links the checkout there) stays in `target`."""
    (target / 'bin').mkdir(parents=True)
    for entry in source.joinpath('bin').iterdir():
        (target / 'bin' / entry.name).symlink_to(entry)
    for entry in source.iterdir():
        if entry.name == 'pyvenv.cfg':
            shutil.copy(str(entry), str(target / entry.name))
        elif entry.name.startswith('lib'):
            (target / entry.name).symlink_to(entry)
    return target


def test_readme_demo(user, tmp_path):
    """The README's main job, in a fresh copy of the checkout. Its first run creates the demo's virtualenv
    from PyPI (network): here it is given an alias of this test's virtualenv, which has what the demo needs,
    to use as it is. The test suite's command (the block's second line) is in NOT_HERE."""
    checkout = copy_checkout(tmp_path / 'checkout')
    commands = runnable(block(README, SETUP_BLOCK), free_port())
    assert [command.split()[0] for command in commands] == ['./scripts/demo.sh']
    venv = venv_alias(tmp_path / 'demo-venv', Path(VENV_BIN).parent)
    env = user_env(tmp_path / 'home', TURBOSMTP_DEMO_VENV=str(venv), TURBOSMTP_SKIP_BOOTSTRAP='1')
    with shell(commands, checkout, env) as result:
        assert result['rc'] == 0, result['output'][-5000:]
        assert 'turboSMTP simulator at http://' in result['output']
        assert re.search(r'localhost\s+:\s+ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0', result['output'])


@pytest.mark.parametrize('doc', [README, EXAMPLES_README])
def test_readme_simulator_block(user, doc):
    url_port = free_port()
    commands = runnable(block(doc, 'python3 -m simulator --port 8025 &'), url_port)
    with shell(commands, user['checkout'], user['env']) as result:
        assert result['rc'] == 0, result['output'][-5000:]
        assert_tracking_play_reached(sim_get('http://127.0.0.1:' + url_port, '/_sim/requests'))


def assert_tracking_play_reached(requests_received):
    """docs/examples/tracking_as_code.yml logged in with the exported email and password, read both
    toggles (the simulator starts with clicks tracked and opens not, as the playbook declares) and logged out."""
    calls = [(request['method'], request['path'], request['status']) for request in requests_received]
    assert calls[0] == ('POST', '/api/authorize', 200), calls
    assert calls[-1] == ('POST', '/api/deauthorize', 200), calls
    assert {('GET', '/api/tools/clickTracking', 200), ('GET', '/api/tools/openingTracking', 200)} <= set(calls), calls


def playbook_of(snippet):
    """A snippet that is a list of tasks becomes the tasks of a play on localhost, as a user pastes it."""
    loaded = yaml.safe_load(snippet)
    if all('hosts' in item for item in loaded):
        return snippet
    return yaml.safe_dump([{'name': 'Run the documented task', 'hosts': 'localhost', 'gather_facts': False,
                            'tasks': loaded}], sort_keys=False)


def run_snippet(user, sim, tmp_path, snippet, extra_vars=None, env=None, inventory=None):
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(playbook_of(snippet))
    command = ['ansible-playbook', str(playbook)]
    if inventory:
        command += ['-i', str(inventory)]
    if extra_vars:
        command += ['-e', json.dumps(extra_vars)]
    environment = dict(user['env'], TURBOSMTP_DASHBOARD_URL=sim.url, TURBOSMTP_SEND_URL=sim.url)
    environment.update(env or {})
    result = subprocess.run(command, cwd=str(tmp_path), env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=RUN_TIMEOUT, check=False)
    assert result.returncode == 0, result.stdout[-5000:]
    return result.stdout


def vault_token(sim):
    answer = requests.post(sim.url + '/api/authorize', json={'email': EMAIL, 'password': PASSWORD, 'no_expire': 1},
                           timeout=10)
    assert answer.status_code == 200, answer.text
    sim.clear_requests()
    return answer.json()['auth']


def test_readme_module_defaults_playbook(user, sim, tmp_path):
    sim.world.tools['clickTracking'] = False
    sim.world.tools['openingTracking'] = True
    run_snippet(user, sim, tmp_path, block(README, '- name: Declare tracking'),
                extra_vars={'vault_turbosmtp_api_token': vault_token(sim)})
    assert sim.world.tools['clickTracking'] is True and sim.world.tools['openingTracking'] is False
    assert not sim.requests(path='/api/authorize'), 'the token of module_defaults was not used'


# The user guide


def test_guide_token_task(user, sim, tmp_path):
    output = run_snippet(user, sim, tmp_path, block(GUIDE, '- name: Create a token that does not expire'),
                         extra_vars={'vault_turbosmtp_email': EMAIL, 'vault_turbosmtp_password': PASSWORD})
    assert [request['status'] for request in sim.requests(path='/api/authorize')] == [200]
    assert list(sim.world.tokens.values()) == [None], 'one token that never expires'
    assert next(iter(sim.world.tokens)) not in output, 'no_log: the token is not shown'


def test_guide_module_defaults_playbook(user, sim, tmp_path):
    """One credential block for the whole action group, region included (an option of the send API)."""
    run_snippet(user, sim, tmp_path, block(GUIDE, '- name: Weekly report'),
                extra_vars={'vault_turbosmtp_api_token': vault_token(sim)})
    counted = [request for request in sim.requests() if 'bounce' in request['path']]
    assert counted and all(request['status'] == 200 for request in counted), sim.requests()


def test_guide_summary_task(user, sim, tmp_path):
    """The summary from counts only: no page of rows is read."""
    run_snippet(user, sim, tmp_path, block(GUIDE, "- name: Summarise last week from the API's counts"),
                env={'TURBOSMTP_EMAIL': EMAIL, 'TURBOSMTP_PASSWORD': PASSWORD})
    stats = [request for request in sim.requests() if request['path'].startswith('/api/stats/')]
    assert stats and all(request['path'] == '/api/stats/panes/emails/count' and request['status'] == 200
                         for request in stats), stats


def test_guide_simulator_block(user):
    port = free_port()
    commands = runnable(block(GUIDE, 'python3 -m simulator --port 8025 &'), port)
    with shell(commands, user['checkout'], user['env']) as result:
        assert result['rc'] == 0, result['output'][-5000:]
        assert_tracking_play_reached(sim_get('http://127.0.0.1:' + port, '/_sim/requests'))
        # The two curl commands print what the simulator received: no message, then the playbook's requests.
        assert '\n[]' in result['output'] and '"path": "/api/tools/clickTracking"' in result['output']


def test_guide_molecule_command(user):
    """The guide's molecule command from the root of the checkout, without the red CRITICAL line molecule
    prints when it finds no default scenario."""
    commands = runnable(block(GUIDE, 'molecule test -s tracking'), free_port())
    # The guide's virtualenv with molecule: the one scripts/env.sh makes (scripts/test.sh makes it first).
    tools = REPO / '.venv' / 'bin'
    assert (tools / 'molecule').is_file(), 'no molecule in %s: run `source scripts/env.sh` once' % tools
    env = dict(user['env'], PATH=os.pathsep.join([str(tools), user['env']['PATH']]), VIRTUAL_ENV=str(tools.parent))
    with shell(commands, user['checkout'], env) as result:
        assert result['rc'] == 0, result['output'][-5000:]
        output = re.sub(r'\x1b\[[0-9;]*m', '', result['output'])  # molecule colours its output
        assert 'CRITICAL' not in output, output[:3000]
        assert re.search(r'tracking\s+:\s+actions=\d+\s+successful=\d+.*failed=0', output), output[-3000:]


def test_guide_environment_build_commands(user):
    """Of the build commands, the tarball build runs here: the definitions take the tarball it writes."""
    body = block(GUIDE, 'python3 -m pip install ansible-builder')
    commands = runnable(body, free_port())
    assert commands == ['ansible-galaxy collection build --force'], commands
    skipped = [command for command in shell_commands(body) if not_here(command)]
    assert len(skipped) == 5, skipped
    version = yaml.safe_load((REPO / 'galaxy.yml').read_text())['version']
    with shell(commands, user['checkout'], user['env']) as result:
        assert result['rc'] == 0, result['output'][-5000:]
    definitions = [yaml.safe_load((user['checkout'] / 'extensions' / 'ee' / name).read_text())
                   for name in ('execution-environment.yml', 'decision-environment.yml')]
    for definition in definitions:
        wanted = definition['dependencies']['galaxy']['collections'][0]['name']
        assert wanted == 'collections/turbosmtp-api-%s.tar.gz' % version
        assert (user['checkout'] / os.path.basename(wanted)).is_file(), 'no %s at the root' % os.path.basename(wanted)


STAND_IN = '''\
#!/usr/bin/python
# A stand-in for {fqcn}: records its arguments, as the platform would store the credential type.
import base64
import json
import os

from ansible.module_utils.basic import AnsibleModule

module = AnsibleModule(argument_spec=dict(name=dict(), description=dict(), kind=dict(), inputs=dict(type='dict'),
                                          injectors=dict(type='dict'), state=dict()))
with open(os.environ['STAND_IN_LOG'], 'a') as log:
    log.write(json.dumps(dict(module.params, module='{fqcn}')) + '\\n')
module.exit_json(changed=True)
'''


def stand_in_collections(root):
    for namespace, name in (('awx', 'awx'), ('ansible', 'eda')):
        collection = root / 'ansible_collections' / namespace / name
        (collection / 'plugins' / 'modules').mkdir(parents=True)
        (collection / 'MANIFEST.json').write_text(json.dumps({'collection_info': {
            'namespace': namespace, 'name': name, 'version': '99.0.0'}, 'file_manifest_file': {}, 'format': 1}))
        (collection / 'plugins' / 'modules' / 'credential_type.py').write_text(
            STAND_IN.format(fqcn='%s.%s.credential_type' % (namespace, name)))
    return root


def test_aap_credential_types_playbook(user, tmp_path):
    """The guide's command that creates the credential types, against stand-ins of awx.awx and ansible.eda
    (installing them needs Galaxy, and running them an AAP controller)."""
    commands = runnable(block(GUIDE, 'ansible-galaxy collection install awx.awx ansible.eda'), free_port())
    assert len(commands) == 1 and commands[0].endswith('ansible-playbook extensions/aap/create_credential_types.yml')
    log = tmp_path / 'created.jsonl'
    stand_ins = stand_in_collections(tmp_path / 'collections')
    env = dict(user['env'], STAND_IN_LOG=str(log), ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(
        [str(stand_ins), str(user['home'] / '.ansible' / 'collections')]))
    with shell(commands, user['checkout'], env) as result:
        assert result['rc'] == 0, result['output'][-5000:]
    created = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted((item['module'], item['name']) for item in created) == [
        ('ansible.eda.credential_type', 'turboSMTP API'), ('ansible.eda.credential_type', 'turboSMTP webhook'),
        ('awx.awx.credential_type', 'turboSMTP API')]
    controller = next(item for item in created if item['module'] == 'awx.awx.credential_type')
    assert controller['kind'] == 'cloud' and controller['state'] == 'present'
    assert set(controller['injectors']['env']) >= {'TURBOSMTP_API_TOKEN', 'TURBOSMTP_CONSUMER_KEY', 'TURBOSMTP_SEND_URL'}
    assert all(field['secret'] for field in controller['inputs']['fields']
               if field['id'] in ('api_token', 'password', 'consumer_key', 'consumer_secret'))


def test_guide_job_template_task(user, sim, tmp_path):
    """The job template's task, with what a "turboSMTP API" credential injects and a localhost in the job's
    inventory that has the two variables the guide gives it."""
    host_vars = yaml.safe_load(block(GUIDE, 'ansible_connection: local'))
    inventory = tmp_path / 'inventory.yml'
    inventory.write_text(yaml.safe_dump({'all': {'hosts': {'localhost': host_vars, 'web1': {'ansible_connection': 'local'}}}}))
    credential = injected('turbosmtp_api.yml', {'email': EMAIL, 'password': PASSWORD, 'consumer_key': CONSUMER_KEY,
                                                'consumer_secret': CONSUMER_SECRET, 'dashboard_url': sim.url,
                                                'send_url': sim.url})
    snippet = block(GUIDE, '- name: Send the deployment notice')
    run_snippet(user, sim, tmp_path, snippet, extra_vars={'release': 'shop 3.1'}, env=credential, inventory=inventory)
    messages = sim.messages()
    assert len(messages) == 1
    assert messages[0]['auth'] == 'consumer_key'
    assert (messages[0]['subject'], messages[0]['content']) == ('Deployed', 'shop 3.1 is live')
    assert messages[0]['to'] == ['ops@example.com']


# The guide's error table, against what users see


ERROR_PLAY = '''\
- name: Provoke the errors of the guide's table
  hosts: localhost
  gather_facts: false
  vars:
    faults: "{{ sim_url }}/_sim/faults"
    send: &send
      from: ops@example.com
      to: [reader@example.org]
      subject: Hello
      content: Hello
  tasks:
    - {name: wrong password, register: code1, ignore_errors: true,
       turbosmtp.api.turbosmtp_account_info: {email: ops@example.com, password: wrong}}
    - {name: inactive account, register: code2, ignore_errors: true,
       turbosmtp.api.turbosmtp_account_info: {email: inactive@example.com, password: sim-password}}
    - {name: unknown token, register: code3, ignore_errors: true,
       turbosmtp.api.turbosmtp_account_info: {api_token: not-a-token}}
    - name: wrong consumer key
      register: send_wrong
      ignore_errors: true
      turbosmtp.api.turbosmtp_send: {consumer_key: wrong, consumer_secret: wrong, <<: *send}
    - name: inactive account on send
      register: send_inactive
      ignore_errors: true
      # Consumer keys would win over the legacy email and password: none in this task's environment.
      environment: {TURBOSMTP_CONSUMER_KEY: "", TURBOSMTP_CONSUMER_SECRET: ""}
      turbosmtp.api.turbosmtp_send: {email: inactive@example.com, password: sim-password, <<: *send}
    - name: API errors 4 to 7 and an HTML answer
      ansible.builtin.uri: {url: "{{ faults }}", method: POST, body_format: json, status_code: 201, body: "{{ item }}"}
      loop:
        - {kind: body, status: 404, count: 1, path: /api/user/info, body: {errorCode: 4, message: Resource not found}}
        - {kind: body, status: 500, count: 1, path: /api/user/info, body: {errorCode: 5, message: Server system error}}
        - {kind: body, status: 409, count: 1, path: /api/user/info, body: {errorCode: 6, message: Concurrent modification exception}}
        - {kind: body, status: 403, count: 1, path: /api/user/info,
           body: {errorCode: 7, message: Access to requested resources is denied}}
        - {kind: html, status: 502, count: 9, path: /api/plans}
    - {name: code 4, register: code4, ignore_errors: true, turbosmtp.api.turbosmtp_account_info: {}}
    - {name: code 5, register: code5, ignore_errors: true, turbosmtp.api.turbosmtp_account_info: {}}
    - {name: code 6, register: code6, ignore_errors: true, turbosmtp.api.turbosmtp_account_info: {}}
    - {name: code 7, register: code7, ignore_errors: true, turbosmtp.api.turbosmtp_account_info: {}}
    - {name: html, register: html, ignore_errors: true, turbosmtp.api.turbosmtp_plans_info: {retries: 0}}
    - name: A send the API rejects, then one lost after it went out
      ansible.builtin.uri: {url: "{{ faults }}", method: POST, body_format: json, status_code: 201, body: "{{ item }}"}
      loop:
        - {kind: body, status: 400, count: 1, path: /api/v2/mail/send,
           body: {message: error, errors: [["'reader@example.org' 'to' email not valid"]]}}
        - {kind: drop, when: after, count: 1, path: /api/v2/mail/send}
    - {name: rejected, register: rejected, ignore_errors: true, turbosmtp.api.turbosmtp_send: *send}
    - {name: lost, register: lost, ignore_errors: true, turbosmtp.api.turbosmtp_send: *send}
    - {name: header injection, register: header, ignore_errors: true,
       turbosmtp.api.turbosmtp_send: {<<: *send, subject: "Hello\\r\\nBcc: everyone@example.org"}}
    - {name: a FIFO attached, register: fifo, ignore_errors: true,
       turbosmtp.api.turbosmtp_send: {<<: *send, attachments: [{path: "{{ fifo_path }}"}]}}
    - name: One credit left
      ansible.builtin.uri: {url: "{{ sim_url }}/_sim/credits", method: POST, body_format: json, body: {credits: 1}}
    - name: a batch of two
      register: batch
      ignore_errors: true
      turbosmtp.api.turbosmtp_send:
        <<: *send
        messages: [{to: [a@example.org]}, {to: [b@example.org]}]
        concurrency: 1
    - {name: no credit, register: nocredit, ignore_errors: true, turbosmtp.api.turbosmtp_send: *send}
    - name: Keep what each task said
      ansible.builtin.copy:
        dest: "{{ outcome_file }}"
        mode: "0600"
        content: "{{ dict(names | zip(results | map(attribute='msg', default='(no msg)'))) | to_json }}"
      vars:
        names: [code1, code2, code3, send_wrong, send_inactive, code4, code5, code6, code7, html, rejected, lost,
                header, fifo, batch, nocredit]
        results: "{{ [code1, code2, code3, send_wrong, send_inactive, code4, code5, code6, code7, html, rejected, lost,
                      header, fifo, batch, nocredit] }}"
'''
# Which outcome shows each row of the table, by the row's first literal.
TABLE_ROWS = {
    'Wrong credentials specified (error code 1)': 'code1',
    'Provided account is inactive. Maybe you are banned. (error code 2)': 'code2',
    'Invalid authorization token (error code 3)': 'code3',
    'Wrong credentials specified (error code 3)': 'send_wrong',
    'Account for ... is inactive (error code 3)': 'send_inactive',
    'Resource not found (error code 4)': 'code4',
    'Server system error (error code 5)': 'code5',
    'Concurrent modification exception (error code 6)': 'code6',
    'Access to requested resources is denied (error code 7)': 'code7',
    'nocredit': 'nocredit',
    "'...' 'to' email not valid": 'rejected',
    'unexpected response: <html>...': 'html',
    'may or may not have been sent': 'lost',
    'subject: contains U+000D (CR) ...': 'header',
    '... is a FIFO (named pipe), not a regular file': 'fifo',
    'N of M messages were not sent: ...': 'batch',
}
# Rows no single task here shows, and why.
TABLE_ROWS_ELSEWHERE = {
    '(error code 8)': 'turbosmtp_token state=absent handles 8 and 9 itself: tests/integration/targets/turbosmtp_token',
}


def error_table():
    text = (REPO / GUIDE).read_text()
    table = text[text.index("Troubleshooting the API's errors"):]
    return [re.findall(r'``(.+?)``', line.split('  ')[0])[0] for line in table.splitlines()
            if line.startswith('``')]


def pattern(literal):
    words = [re.escape(part) for part in literal.split('...')]
    regex = '.*'.join(words).replace(r'N\ of\ M', r'\d+\ of\ \d+') if literal.startswith('N of M') else '.*'.join(words)
    return re.compile(regex, re.S)


def test_error_table_says_what_users_see(user, sim, tmp_path):
    rows = error_table()
    assert set(rows) == set(TABLE_ROWS) | set(TABLE_ROWS_ELSEWHERE), rows
    fifo = tmp_path / 'pipe'
    os.mkfifo(str(fifo))
    outcome = tmp_path / 'outcome.json'
    playbook = tmp_path / 'errors.yml'
    playbook.write_text(ERROR_PLAY)
    env = dict(user['env'], TURBOSMTP_DASHBOARD_URL=sim.url, TURBOSMTP_SEND_URL=sim.url,
               TURBOSMTP_EMAIL=EMAIL, TURBOSMTP_PASSWORD=PASSWORD,
               TURBOSMTP_CONSUMER_KEY=CONSUMER_KEY, TURBOSMTP_CONSUMER_SECRET=CONSUMER_SECRET)
    result = subprocess.run(['ansible-playbook', str(playbook), '-e', json.dumps(
        {'sim_url': sim.url, 'fifo_path': str(fifo), 'outcome_file': str(outcome)})], cwd=str(tmp_path), env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=RUN_TIMEOUT, check=False)
    assert result.returncode == 0, result.stdout[-6000:]
    said = json.loads(outcome.read_text())
    wrong = dict((literal, said[TABLE_ROWS[literal]]) for literal in TABLE_ROWS
                 if not pattern(literal).search(said[TABLE_ROWS[literal]]))
    assert not wrong, 'the guide\'s table does not say what users see:\n' + json.dumps(wrong, indent=1)


# The EXAMPLES of turbosmtp_send, which attach files from the controller

PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89'
       b'\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82')


def module_examples(module):
    source = (REPO / 'plugins' / 'modules' / ('%s.py' % module)).read_text()
    return source.split("EXAMPLES = r'''", 1)[1].split("'''", 1)[0]


def test_send_examples_attach_binary_files_by_path(user, sim, tmp_path):
    """Both EXAMPLES of turbosmtp_send as written, with their files beside the playbook: a binary attachment
    arrives byte for byte, and Ansible warns about nothing (a binary file read with lookup('file') does)."""
    (tmp_path / 'map.png').write_bytes(PNG)
    (tmp_path / 'release-notes.pdf').write_bytes(b'%PDF-1.4\n\xe2\xe3\xcf\xd3\n%%EOF\n')
    output = run_snippet(user, sim, tmp_path, module_examples('turbosmtp_send'),
                         extra_vars={'turbosmtp_consumer_key': CONSUMER_KEY, 'turbosmtp_consumer_secret': CONSUMER_SECRET,
                                     'app': 'shop', 'version': '3.1'},
                         env={'TURBOSMTP_CONSUMER_KEY': CONSUMER_KEY, 'TURBOSMTP_CONSUMER_SECRET': CONSUMER_SECRET})
    assert 'DEPRECATION' not in output and 'could not be decoded' not in output, output
    messages = dict((tuple(message['to']), message) for message in sim.messages())
    assert set(messages) == {('ops@example.com', 'jane@example.com'), ('alice@example.com',), ('bob@example.com',)}
    notes = messages[('ops@example.com', 'jane@example.com')]['attachments']
    assert [(item['name'], item['size']) for item in notes] == [('release-notes.pdf', 20)]
    attached = messages[('bob@example.com',)]['attachments']
    assert [(item['name'], item['type']) for item in attached] == [('map.png', 'image/png')]
    assert base64.b64decode(attached[0]['content']) == PNG
    assert messages[('alice@example.com',)]['attachments'] == []
