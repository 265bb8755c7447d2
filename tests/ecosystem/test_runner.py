# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A job template's run, as AWX and AAP run it: `ansible-runner run` on a private data directory.

The controller writes the job's private data directory and runs ansible-runner on it in the execution
environment: the project's playbook under project/, the job's inventory under inventory/, the template's
extra vars in env/extravars and what the attached credentials inject in env/envvars. Here env/envvars
holds exactly what a "turboSMTP API" credential (extensions/aap/credential_types/turbosmtp_api.yml) injects,
the inventory lists localhost as the guide says to, and the collection is the installed tarball, as in the
execution environment. The test checks the API calls that reached the simulator and that no secret
reached the job's output or its events.
"""

import json
import os
import sys

import pytest
import yaml

from ecosystem_tools import ECO_BIN, REPO, run, tool_env

sys.path.insert(0, os.path.join(REPO, 'tests'))
from credential_types import injected  # noqa: E402

from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD  # noqa: E402

RUNNER_TIMEOUT = 300
# A job template's playbook: facts from the dashboard API, then one notice per run, from a play over a fleet.
PLAYBOOK = '''\
- name: Deploy and tell the team
  hosts: all
  gather_facts: false
  tasks:
    - name: Read the account, to name it in the notice
      turbosmtp.api.turbosmtp_account_info:
      delegate_to: localhost
      run_once: true
      register: account

    - name: Send the deployment notice
      turbosmtp.api.turbosmtp_send:
        from: deploy@example.com
        to: [ops@example.com]
        subject: Deployed
        content: "{{ release }} is live for {{ account.account.email }}"
      delegate_to: localhost
      run_once: true
'''
# The job's inventory: a fleet, and localhost with the two variables the guide gives it.
INVENTORY = {'all': {'hosts': {
    'localhost': {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
    'web1': {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
    'web2': {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
}}}


def write_yaml(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, default_flow_style=False))


@pytest.fixture
def private_data_dir(tmp_path, sim):
    directory = tmp_path / 'job'
    (directory / 'project').mkdir(parents=True)
    (directory / 'project' / 'deploy.yml').write_text(PLAYBOOK)
    write_yaml(directory / 'inventory' / 'hosts.yml', INVENTORY)
    write_yaml(directory / 'env' / 'extravars', {'release': 'shop 3.1'})
    credential = injected('turbosmtp_api.yml', {
        'email': EMAIL, 'password': PASSWORD, 'consumer_key': CONSUMER_KEY, 'consumer_secret': CONSUMER_SECRET,
        'dashboard_url': sim.url, 'send_url': sim.url})
    write_yaml(directory / 'env' / 'envvars', credential)
    return directory


def events(directory):
    found = []
    for path in sorted(directory.glob('artifacts/*/job_events/*.json')):
        found.append(json.loads(path.read_text()))
    return found


def test_job_runs_with_the_credential_types_environment(private_data_dir, collections_path, sim):
    env = tool_env(collections_path=str(collections_path))
    result = run([os.path.join(ECO_BIN, 'ansible-runner'), 'run', str(private_data_dir), '-p', 'deploy.yml',
                  '--ident', 'job1'], RUNNER_TIMEOUT, env=env, cwd=str(private_data_dir))
    artifacts = private_data_dir / 'artifacts' / 'job1'
    stdout = (artifacts / 'stdout').read_text() if (artifacts / 'stdout').is_file() else result.stdout
    assert result.returncode == 0, stdout[-6000:]
    assert (artifacts / 'status').read_text().strip() == 'successful'
    assert (artifacts / 'rc').read_text().strip() == '0'

    # The dashboard read logged in with the injected email and password and revoked its token;
    # the send used the injected consumer key and secret. Each happened once for the whole fleet.
    calls = [(request['method'], request['path'], request['status']) for request in sim.requests()]
    assert calls[0] == ('POST', '/api/authorize', 200), calls
    assert ('POST', '/api/deauthorize', 200) in calls
    assert sim.world.tokens == {}
    messages = sim.messages()
    assert len(messages) == 1, messages
    assert messages[0]['auth'] == 'consumer_key'
    assert messages[0]['subject'] == 'Deployed'
    assert messages[0]['content'] == 'shop 3.1 is live for %s' % EMAIL

    job_events = events(private_data_dir)
    assert any(event.get('event') == 'playbook_on_stats' for event in job_events)
    recorded = stdout + json.dumps(job_events)
    for secret in (PASSWORD, CONSUMER_SECRET, CONSUMER_KEY):
        assert secret not in recorded, 'a secret of the credential reached the job output'
