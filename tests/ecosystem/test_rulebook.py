# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Both event sources and the shipped rulebooks under the real engine: ansible-rulebook (Drools, on Java)
with the collection installed from its tarball, no PYTHONPATH, against the simulator.

- One rulebook uses turbosmtp.api.webhook and turbosmtp.api.events: a webhook call and a new stats row
  must each reach their rule.
- Each rulebook of extensions/eda/rulebooks/ is started once, by its behaviour test, and that start is the EDA
  guide's ansible-rulebook command for it, taken from the .rst and run as written, next to copies of the example
  inventory.yml and vars.yml the tarball ships; vars.yml gets only the edits the guide's reader makes (a password,
  or a token instead of the username and password, as the "turboSMTP webhook" credential type injects them; the
  port, the interval, the ticket URL). The rulebook gets the events that trigger its rule (also one without the
  events' optional fields); its action must happen once per trigger, to the paths the example vars.yml names.
"""

import http.server
import inspect
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests
import yaml

from ecosystem_tools import ECO_BIN, REPO, tool_env

sys.path.insert(0, REPO)
from simulator import CONSUMER_KEY, CONSUMER_SECRET, Simulator  # noqa: E402

EDA_GUIDE = os.path.join(REPO, 'docs', 'docsite', 'rst', 'event_driven_ansible.rst')

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


# --- the shipped rulebooks, each started once: by its behaviour test, with the EDA guide's command ----------

ACTION_TIMEOUT = 120     # the first run_module starts ansible-runner and ansible-playbook
SENTINEL = 'sentinel@example.net'


def installed_collection(collections_path):
    return collections_path / 'ansible_collections' / 'turbosmtp' / 'api'


def shipped_rulebooks():
    return sorted(os.path.splitext(name)[0] for name in os.listdir(os.path.join(REPO, 'extensions', 'eda', 'rulebooks')))


def guide_commands(program):
    """Every command of the guide's console blocks that runs program, its continuation lines joined."""
    with open(EDA_GUIDE) as guide:
        text = guide.read()
    commands = []
    for block in re.findall(r'^\.\. code:: console\n\n((?:   .*\n|\n)+)', text, re.M):
        lines = [line[3:] for line in block.splitlines()]
        joined = re.sub(r'\\\n\s*', ' ', '\n'.join(lines))
        commands.extend(line.strip().lstrip('$ ') for line in joined.splitlines()
                        if line.strip().lstrip('$ ').startswith(program + ' '))
    return commands


def rulebook_argument(command):
    arguments = shlex.split(command)
    return arguments[arguments.index('--rulebook') + 1] if '--rulebook' in arguments else None


def guide_command_for(name):
    commands = [command for command in guide_commands('ansible-rulebook') if rulebook_argument(command) == 'turbosmtp.api.%s' % name]
    if len(commands) != 1:
        pytest.fail('the EDA guide (%s) must show one ansible-rulebook command for turbosmtp.api.%s; it shows %d: %s'
                    % (EDA_GUIDE, name, len(commands), commands))
    return commands[0]


def edit_vars_file(path, **values):
    """Sets values in a copied example vars file as its reader does: each replaces the line the example has for it
    (a variable the example lacks is an error, not an addition), comments and every other line stay."""
    text = path.read_text()
    for name, value in values.items():
        text, lines = re.subn(r'^%s:.*$' % re.escape(name), '%s: %s' % (name, json.dumps(value)), text, flags=re.M)
        assert lines == 1, 'the example %s has %d lines for %s, not one to edit' % (path.name, lines, name)
    path.write_text(text)
    variables = yaml.safe_load(text)
    assert all(variables[name] == value for name, value in values.items()), text
    return variables


def until(condition, process, output, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process.poll() is not None:
            break
        time.sleep(0.3)
    pytest.fail('%s never happened (ansible-rulebook exit %s):\n%s' % (what, process.poll(), output.text()[-8000:]))


class Rulebook:
    """ansible-rulebook running a command line in a directory, and its output."""

    def __init__(self, command, cwd, env):
        self.process = subprocess.Popen(command, cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        universal_newlines=True, start_new_session=True)
        self.output = Output(self.process.stdout)

    def listening(self, port):
        assert wait_listening(port, self.process, STARTUP_TIMEOUT), (
            'the webhook source never listened on 127.0.0.1:%d (ansible-rulebook exit %s):\n%s'
            % (port, self.process.poll(), self.output.text()[-8000:]))

    def until(self, condition, what, timeout=ACTION_TIMEOUT):
        return until(condition, self.process, self.output, timeout, what)

    def post(self, port, events, **kwargs):
        try:
            return requests.post('http://127.0.0.1:%d/' % port, data=json.dumps(events), timeout=HTTP_TIMEOUT,
                                 headers=dict({'Content-Type': 'application/json'}, **kwargs.pop('headers', {})), **kwargs)
        except requests.RequestException as error:
            pytest.fail('the webhook source did not answer (%s):\n%s' % (error, self.output.text()[-8000:]))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.output.thread.join(timeout=5)


@pytest.fixture
def rulebook_env(tmp_path, collections_path, simulator):
    """The shell of the guide's reader, in their home tmp_path: the installed collection, and the TURBOSMTP_* variables
    the guide has them export, for the send API and the stats API of the simulator."""
    env = tool_env(collections_path=str(collections_path))
    env['HOME'] = str(tmp_path)
    env.update(TURBOSMTP_SEND_URL=simulator.url, TURBOSMTP_CONSUMER_KEY=CONSUMER_KEY, TURBOSMTP_CONSUMER_SECRET=CONSUMER_SECRET,
               TURBOSMTP_DASHBOARD_URL=simulator.url, TURBOSMTP_API_TOKEN=API_TOKEN)
    assert 'PYTHONPATH' not in env
    # The sentinels below rely on ansible-rulebook's default strategy; a shell's EDA_EXECUTION_STRATEGY must not change it.
    env.pop('EDA_EXECUTION_STRATEGY', None)
    return env


@pytest.fixture
def run_guide_command(tmp_path, collections_path, rulebook_env):
    """run_guide_command(name, **edits): the EDA guide's ansible-rulebook command for turbosmtp.api.<name>, as written,
    in a directory holding copies of the installed collection's example inventory.yml and vars.yml, with edits made
    to vars.yml. Returns the running Rulebook and the variables of the edited vars.yml."""
    started = []

    def start(name, **edits):
        arguments = shlex.split(guide_command_for(name))
        assert arguments[0] == 'ansible-rulebook', arguments
        collection = installed_collection(collections_path)
        shipped = collection / 'extensions' / 'eda' / 'rulebooks' / ('%s.yml' % name)
        # The sentinels prove "no further action" only if actions run one at a time in event order (sequential, the default).
        assert all(ruleset.get('execution_strategy', 'sequential') == 'sequential'
                   for ruleset in yaml.safe_load(shipped.read_text())), shipped
        # Not the home directory, so a relative path in the vars file could not pass for a ~ one.
        workdir = tmp_path / 'eda'
        workdir.mkdir()
        for example in ('inventory.yml', 'vars.yml'):
            shutil.copy(str(collection / 'extensions' / 'eda' / 'examples' / example), str(workdir / example))
        variables = edit_vars_file(workdir / 'vars.yml', **edits)
        started.append(Rulebook([os.path.join(ECO_BIN, 'ansible-rulebook')] + arguments[1:], workdir, rulebook_env))
        return started[-1], variables

    yield start
    for rulebook in started:
        rulebook.stop()


def lines_of(path):
    return path.read_text().splitlines() if path.exists() else []


def test_every_shipped_rulebook_has_one_guide_command_that_its_behaviour_test_runs():
    shipped = shipped_rulebooks()
    named = sorted(rulebook_argument(command) for command in guide_commands('ansible-rulebook'))
    assert named == ['turbosmtp.api.%s' % name for name in shipped]
    for name in shipped:
        behaviour_tests = [test for test_name, test in globals().items() if test_name.startswith('test_%s_' % name)]
        assert len(behaviour_tests) == 1, 'turbosmtp.api.%s needs one behaviour test, named test_%s_...' % (name, name)
        assert 'run_guide_command' in inspect.signature(behaviour_tests[0]).parameters, behaviour_tests[0].__name__


def test_suppress_bounced_addresses_adds_each_address_once(tmp_path, run_guide_command):
    port = free_port()
    # The guide's edit: a password. The example's username stays and its token stays blank, as AAP injects a
    # credential with a username and password.
    rulebook, variables = run_guide_command('suppress_bounced_addresses', turbosmtp_webhook_password=WEBHOOK_PASSWORD,
                                            turbosmtp_webhook_port=port)
    auth = (variables['turbosmtp_webhook_username'], WEBHOOK_PASSWORD)
    # Where the example vars.yml keeps the suppression list: ~/turbosmtp-suppressed.txt.
    suppressed = tmp_path / 'turbosmtp-suppressed.txt'
    rulebook.listening(port)
    bounce = {'id': 501, 'status': 'bounced', 'email': 'gone@example.net', 'mid': '77', 'time': 1767225600,
              'reason': {'0': '550', 'response': '550 5.1.1 user unknown'}}
    # Anonymous calls are refused: the blank token did not open the endpoint.
    assert rulebook.post(port, bounce).status_code == 401
    answer = rulebook.post(port, bounce, auth=auth)
    assert (answer.status_code, answer.json()) == (200, {'status': 'accepted', 'events': 1})
    # Only status and email: every optional field left out. And events that must not act.
    assert rulebook.post(port, [{'status': 'DROPPED', 'email': 'dropped@example.org'}, {'status': 'BOUNCED'},
                                {'status': 'BOUNCED', 'email': None}, {'status': 'DELIVERED', 'email': 'fine@example.com'}],
                         auth=auth).status_code == 200
    # turboSMTP retries a call: the same event again is dropped by the source.
    assert rulebook.post(port, bounce, auth=auth).json()['duplicates'] == 1
    # Queued after every event above, with actions run one at a time in event order: once it is listed, theirs have all run.
    sentinel = dict(bounce, id=502, email=SENTINEL, mid='78')
    assert rulebook.post(port, sentinel, auth=auth).json() == {'status': 'accepted', 'events': 1}
    rulebook.until(lambda: SENTINEL in lines_of(suppressed), 'the sentinel address in ~/turbosmtp-suppressed.txt')
    assert lines_of(suppressed) == ['gone@example.net', 'dropped@example.org', SENTINEL]


def test_alert_on_spam_complaints_mails_once_per_complaint_also_without_a_subject(run_guide_command, simulator):
    port = free_port()
    # The guide's other edit: a token instead of the username and password, as AAP injects a credential with only the token.
    rulebook, _variables = run_guide_command('alert_on_spam_complaints', turbosmtp_webhook_token='hook-token',
                                             turbosmtp_webhook_username='', turbosmtp_webhook_port=port)
    rulebook.listening(port)
    bearer = {'Authorization': 'Bearer hook-token'}
    assert rulebook.post(port, {'status': 'REPORT', 'email': 'x@example.com'}).status_code == 401
    full = {'id': 601, 'status': 'report', 'email': 'angry@example.com', 'mid': '4242', 'subject': 'Spring sale',
            'timestamp': 1767225600}
    assert rulebook.post(port, full, headers=bearer).status_code == 200
    # No subject, mid or time: the docs say turboSMTP may leave them out.
    assert rulebook.post(port, {'status': 'REPORT', 'email': 'terse@example.org'}, headers=bearer).status_code == 200
    # The simulator keeps a mail only if it came with its consumer key and secret: those the guide has the reader export.
    rulebook.until(lambda: len(simulator.messages()) >= 2, 'a mail for each complaint')
    # A second complaint from the same address within ten minutes is throttled.
    assert rulebook.post(port, dict(full, id=602, mid='4243'), headers=bearer).status_code == 200
    # Another address (not throttled), queued after it; mails go one at a time in event order, so any for the throttled one precede this.
    assert rulebook.post(port, {'id': 603, 'status': 'REPORT', 'email': SENTINEL}, headers=bearer).status_code == 200
    sentinel_subject = 'Spam complaint from %s' % SENTINEL
    rulebook.until(lambda: sentinel_subject in [message['subject'] for message in simulator.messages()],
                   'the mail for the sentinel complaint')
    messages = dict((message['subject'], message) for message in simulator.messages())
    assert [message['subject'] for message in simulator.messages()] == [
        'Spam complaint from angry@example.com', 'Spam complaint from terse@example.org', sentinel_subject]
    assert messages['Spam complaint from angry@example.com']['content'].strip() == (
        'angry@example.com reported message 4242 ("Spring sale") as spam at 2026-01-01T00:00:00Z.')
    assert messages['Spam complaint from terse@example.org']['content'].strip() == (
        'terse@example.org reported message (no message id) (no subject) as spam at an unknown time.')


class TicketServer:
    """A ticket API on 127.0.0.1 that records the JSON of every POST."""

    def __init__(self):
        tickets = self.tickets = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the name http.server calls)
                tickets.append(json.loads(self.rfile.read(int(self.headers['Content-Length']))))
                self.send_response(201)
                self.send_header('Content-Length', '2')
                self.end_headers()
                self.wfile.write(b'{}')

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/api/issues' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ticket_server():
    server = TicketServer()
    yield server
    server.close()


REPEATED_POLLS = 3       # polls that read the same failures again before the sentinel's rows appear


def failed_rows(recipient, errors, subjects, start):
    """Stats rows as the API answers: newest first. One failure a second, from start."""
    rows = []
    for number, (error, subject) in enumerate(zip(errors, subjects)):
        sent = time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(start + number))
        row = {'id': 9000 + number + 10 * len(recipient), 'sendTime': sent, 'status': 'FAIL', 'recipient': recipient,
               'sender': 'ops@example.com', 'subject': subject, 'error': error}
        rows.append(dict((key, value) for key, value in row.items() if value is not None))
    return list(reversed(rows))


def test_ticket_on_repeated_failures_opens_one_ticket_per_recipient_with_the_newest_error(
        tmp_path, run_guide_command, simulator, ticket_server):
    now = time.time()
    rows = (failed_rows('often@example.com', ['550 first', '550 second', '550 third'], ['News 1', 'News 2', 'News 3'], now)
            + failed_rows('bare@example.org', ['451 early', '451 later', None], ['Hello', 'Hello', None], now + 5))
    rows.sort(key=lambda row: row['sendTime'], reverse=True)
    # A sentinel recipient failing three times, after (newer than) every row above.
    with_sentinel = failed_rows(SENTINEL, ['554 one', '554 two', '554 three'], ['Probe 1', 'Probe 2', 'Probe 3'], now + 10) + rows
    # Faults go oldest first, one per request; a poll asks for the count, then one page: REPEATED_POLLS polls of the six rows, then all nine.
    for count, listed in ((REPEATED_POLLS, rows), (10 ** 6, with_sentinel)):
        simulator.add_fault('body', count=count, path='/api/stats/panes/emails/count', body={'count': len(listed)})
        simulator.add_fault('body', count=count, path='/api/stats/panes/emails$', body=listed)
    # Where the guide and the example vars.yml keep the source's position: ~/.turbosmtp/, not there yet.
    state_file = tmp_path / '.turbosmtp' / 'turbosmtp-events.json'
    assert not state_file.parent.exists()
    rulebook, _variables = run_guide_command('ticket_on_repeated_failures', turbosmtp_events_interval=1,
                                             turbosmtp_ticket_url=ticket_server.url)
    sentinel_title = 'Mail to %s keeps failing' % SENTINEL
    # Its events come after any from the six rows' REPEATED_POLLS + 1 readings (oldest first); tickets open in event order: none can follow.
    rulebook.until(lambda: sentinel_title in [ticket['title'] for ticket in ticket_server.tickets], 'the sentinel\'s ticket')
    pages = [read for read in simulator.requests(path='/api/stats/panes/emails', method='GET') if read['path'] == '/api/stats/panes/emails']
    assert len(pages) > REPEATED_POLLS, pages
    tickets = dict((ticket['title'], ticket['description']) for ticket in ticket_server.tickets)
    assert [ticket['title'] for ticket in ticket_server.tickets] == [
        'Mail to often@example.com keeps failing', 'Mail to bare@example.org keeps failing', sentinel_title], ticket_server.tickets
    assert 'Last error: 554 three' in tickets[sentinel_title] and 'subject Probe 3' in tickets[sentinel_title]
    often = tickets['Mail to often@example.com keeps failing']
    assert 'Last error: 550 third' in often and 'subject News 3' in often
    bare = tickets['Mail to bare@example.org keeps failing']
    assert 'Last error: none given' in bare and 'subject none' in bare
    # The simulator's faults answer without checking the token: the polls must carry the TURBOSMTP_API_TOKEN the guide exports.
    polls = simulator.requests(path='/api/stats/panes/emails', method='GET')
    assert [poll['headers'].get('Authorization') for poll in polls] == [API_TOKEN] * len(polls), polls
    # The source made the state file's directory, and keeps its position there.
    assert json.loads(state_file.read_text())['cursor']
