# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Both event sources under the real engine: ansible-rulebook (Drools, on Java) with the collection
installed from its tarball, no PYTHONPATH, against the simulator.

One rulebook uses turbosmtp.api.webhook and turbosmtp.api.events. The test posts a turboSMTP webhook
call to the webhook source and sends a message through the simulator's send API, so a new stats row
appears for the events source to poll; each must reach its rule, whose debug action prints it.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from ecosystem_tools import ECO_BIN, REPO, tool_env

sys.path.insert(0, REPO)
from simulator import CONSUMER_KEY, CONSUMER_SECRET, Simulator  # noqa: E402

API_TOKEN = 'ecosystem-token'
WEBHOOK_USER, WEBHOOK_PASSWORD = 'turbosmtp', 'hook-secret'
STARTUP_TIMEOUT = 90     # ansible-rulebook starts a JVM and imports both sources
EVENT_TIMEOUT = 60
HTTP_TIMEOUT = 10

RULEBOOK = """\
---
- name: turboSMTP events under ansible-rulebook
  hosts: all
  sources:
    - name: webhook
      turbosmtp.api.webhook:
        host: 127.0.0.1
        port: {port}
        username: {user}
        password: {password}
    - name: stats
      turbosmtp.api.events:
        api_token: {token}
        dashboard_url: {url}
        interval: 1
        timeout: 5
  rules:
    - name: Webhook bounce
      condition: event.status == "BOUNCED" and event.email == "{bounced}"
      action:
        debug:
          msg: "WEBHOOK-RULE {{{{ event.email }}}} {{{{ event.mid }}}} {{{{ event.reason }}}}"
    - name: New stats row
      condition: event.source == "turbosmtp.api.events" and event.subject == "{subject}"
      action:
        debug:
          msg: "EVENTS-RULE {{{{ event.recipient }}}} {{{{ event.status }}}} {{{{ event.subject }}}}"
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Output:
    """Collects a process's output lines in a thread, so waiting never blocks on a pipe."""

    def __init__(self, stream):
        self.lines = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, args=(stream,))
        self.thread.daemon = True
        self.thread.start()

    def _read(self, stream):
        for line in iter(stream.readline, ''):
            with self.lock:
                self.lines.append(line.rstrip('\n'))

    def text(self):
        with self.lock:
            return '\n'.join(self.lines)

    def wait_for(self, needle, process, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return True
            if process.poll() is not None:
                time.sleep(0.5)  # let the reader take the last lines
                return needle in self.text()
            time.sleep(0.2)
        return False


def wait_listening(port, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False


@pytest.fixture
def simulator():
    with Simulator(port=0, token=API_TOKEN) as sim:
        yield sim


def test_webhook_and_events_reach_rules(tmp_path, collections_path, simulator):
    port = free_port()
    bounced = 'bounced-%s@example.net' % uuid.uuid4().hex[:8]
    subject = 'ecosystem %s' % uuid.uuid4().hex
    rulebook = tmp_path / 'rulebook.yml'
    rulebook.write_text(RULEBOOK.format(port=port, user=WEBHOOK_USER, password=WEBHOOK_PASSWORD, token=API_TOKEN,
                                        url=simulator.url, bounced=bounced, subject=subject))
    inventory = tmp_path / 'inventory.yml'
    inventory.write_text('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n')

    env = tool_env(collections_path=str(collections_path))
    env['HOME'] = str(tmp_path)
    assert 'PYTHONPATH' not in env
    process = subprocess.Popen(
        [os.path.join(ECO_BIN, 'ansible-rulebook'), '--rulebook', str(rulebook), '--inventory', str(inventory),
         '--verbose'],
        cwd=str(tmp_path), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
        start_new_session=True)
    output = Output(process.stdout)
    try:
        assert wait_listening(port, process, STARTUP_TIMEOUT), (
            'the webhook source never listened on 127.0.0.1:%d (ansible-rulebook exit %s):\n%s'
            % (port, process.poll(), output.text()[-6000:]))

        # turboSMTP's webhook call for a hard bounce.
        call = {'status': 'bounced', 'email': bounced, 'mid': '9007199254740993', 'time': 1767225600,
                'reason': {'0': '550', 'response': '550 5.1.1 user unknown'}}
        try:
            answer = requests.post('http://127.0.0.1:%d/turbosmtp' % port, data=json.dumps(call),
                                   headers={'Content-Type': 'application/json'},
                                   auth=(WEBHOOK_USER, WEBHOOK_PASSWORD), timeout=HTTP_TIMEOUT)
        except requests.RequestException as error:
            pytest.fail('the webhook source did not answer (%s); ansible-rulebook:\n%s' % (error, output.text()[-6000:]))
        assert answer.status_code == 200, 'webhook answered %s %s; ansible-rulebook:\n%s' % (
            answer.status_code, answer.text, output.text()[-6000:])
        assert answer.json() == {'status': 'accepted', 'events': 1}

        # A message sent now is a new stats row for the events source's next poll.
        sent = requests.post(simulator.url + '/api/v2/mail/send', timeout=HTTP_TIMEOUT,
                             headers={'consumerKey': CONSUMER_KEY, 'consumerSecret': CONSUMER_SECRET},
                             json={'from': 'ops@example.com', 'to': 'reader@example.org', 'subject': subject,
                                   'content': 'hello from the ecosystem test'})
        assert sent.status_code == 200, sent.text

        webhook_line = 'WEBHOOK-RULE %s 9007199254740993 550 5.1.1 user unknown' % bounced
        events_line = 'EVENTS-RULE reader@example.org NEW %s' % subject
        assert output.wait_for(webhook_line, process, EVENT_TIMEOUT), (
            'the webhook event never reached its rule:\n' + output.text()[-6000:])
        assert output.wait_for(events_line, process, EVENT_TIMEOUT), (
            'the events source\'s row never reached its rule:\n' + output.text()[-6000:])
        # The events source polled the simulator with the token it was given.
        polls = simulator.requests(path='/api/stats/panes/emails', method='GET')
        assert polls and all(r['status'] in (200, None) for r in polls), [r['status'] for r in polls]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        output.thread.join(timeout=5)
