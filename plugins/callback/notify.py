# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: notify
type: notification
short_description: Email a summary of every playbook run through turboSMTP
version_added: 1.0.0
description:
  - At the end of each playbook run, sends one email through the turboSMTP send API with the run's result,
    the counts of every host (ok, changed, failed, unreachable, skipped, rescued, ignored), each failed or
    unreachable task with its host and error message, the duration, the playbook name and an optional link
    to the CI job. The mail has a plain-text and an HTML part.
  - Only the C(msg) of a failed result goes into the mail, never task arguments or other result fields;
    a result with C(no_log) is shown with Ansible's censored message.
  - A mail that cannot be sent (missing option, bad credentials, the API unreachable) is reported as a warning;
    it never fails the run.
  - The consumer key and secret, the password and the user information of any URL are masked (C(********)) in
    every warning and message of the callback, also when the send API's answer repeats them.
author:
  - turbosmtp.api contributors (@turbosmtp)
requirements:
  - requests
  - enable the callback with C(callbacks_enabled = turbosmtp.api.notify) in ansible.cfg or E(ANSIBLE_CALLBACKS_ENABLED)
options:
  to:
    description: Recipients of the mail. In the environment variable, a comma-separated list.
    type: list
    elements: str
    env:
      - name: TURBOSMTP_NOTIFY_TO
    ini:
      - section: callback_turbosmtp_notify
        key: to
  sender:
    description: The C(From) of the mail, C(user@example.com) or C(Name <user@example.com>).
    type: str
    env:
      - name: TURBOSMTP_NOTIFY_FROM
    ini:
      - section: callback_turbosmtp_notify
        key: sender
  'on':
    description:
      - When to send. C(always) after every run; C(failure) only when a host failed or was unreachable;
        C(change) when a task changed something or the run failed.
    type: str
    choices: [always, failure, change]
    default: always
    env:
      - name: TURBOSMTP_NOTIFY_ON
    ini:
      - section: callback_turbosmtp_notify
        key: 'on'
  subject:
    description:
      - The subject, as a Python format string over the run's result. Available fields are C({playbook}),
        C({status}) (C(succeeded) or C(failed)), C({hosts}), C({ok}), C({changed}), C({failed}) (hosts that
        failed), C({unreachable}), C({skipped}) and C({duration}) (such as C(1m 05s)).
      - A subject that cannot be formatted is reported as a warning and the default is used.
    type: str
    default: 'Ansible {playbook}: {status} ({failed} failed, {unreachable} unreachable, {changed} changed)'
    env:
      - name: TURBOSMTP_NOTIFY_SUBJECT
    ini:
      - section: callback_turbosmtp_notify
        key: subject
  job_url:
    description: A link to the CI job or other page about the run, shown in the mail.
    type: str
    env:
      - name: TURBOSMTP_NOTIFY_JOB_URL
    ini:
      - section: callback_turbosmtp_notify
        key: job_url
  consumer_key:
    description: The consumer key of the send API (the C(consumerKey) header).
    type: str
    env:
      - name: TURBOSMTP_CONSUMER_KEY
    ini:
      - section: callback_turbosmtp_notify
        key: consumer_key
  consumer_secret:
    description: The consumer secret of the send API (the C(consumerSecret) header).
    type: str
    env:
      - name: TURBOSMTP_CONSUMER_SECRET
    ini:
      - section: callback_turbosmtp_notify
        key: consumer_secret
  email:
    description: Account email, sent as the legacy C(authuser) field when there is no consumer key and secret.
    type: str
    env:
      - name: TURBOSMTP_EMAIL
    ini:
      - section: callback_turbosmtp_notify
        key: email
  password:
    description: Account password, sent as the legacy C(authpass) field with O(email).
    type: str
    env:
      - name: TURBOSMTP_PASSWORD
    ini:
      - section: callback_turbosmtp_notify
        key: password
  region:
    description: Picks the send host, C(https://api.turbo-smtp.com) (C(global)) or C(https://api.eu.turbo-smtp.com) (C(eu)).
    type: str
    choices: [global, eu]
    default: global
    env:
      - name: TURBOSMTP_REGION
    ini:
      - section: callback_turbosmtp_notify
        key: region
  send_url:
    description:
      - Base URL of the send host, overriding O(region); C(/api/v2/mail/send) is appended.
      - A URL with user information (C(https://user:password@host)) is refused, and no mail is sent; the warning
        does not repeat the URL.
    type: str
    env:
      - name: TURBOSMTP_SEND_URL
    ini:
      - section: callback_turbosmtp_notify
        key: send_url
  validate_certs:
    description: Whether to verify the TLS certificate of the send host.
    type: bool
    default: true
    env:
      - name: TURBOSMTP_NOTIFY_VALIDATE_CERTS
    ini:
      - section: callback_turbosmtp_notify
        key: validate_certs
  timeout:
    description: Seconds to wait for the send request.
    type: float
    default: 30
    env:
      - name: TURBOSMTP_NOTIFY_TIMEOUT
    ini:
      - section: callback_turbosmtp_notify
        key: timeout
notes:
  - The mail is sent at most once per run; when the answer is lost the warning says it may or may not have been sent.
seealso:
  - module: turbosmtp.api.turbosmtp_send
    description: Send a mail from a task, with attachments or in batches.
  - name: Event-Driven Ansible guide
    description: How to enable this callback, and the event sources of the collection.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/event_driven_ansible.rst
'''

EXAMPLES = r'''
# ansible.cfg
# [defaults]
# callbacks_enabled = turbosmtp.api.notify
#
# [callback_turbosmtp_notify]
# to = ops@example.com, oncall@example.com
# sender = Ansible <ansible@example.com>
# on = failure
#
# and the credentials in the environment, as for the modules:
# TURBOSMTP_CONSUMER_KEY=... TURBOSMTP_CONSUMER_SECRET=... \
# TURBOSMTP_NOTIFY_JOB_URL="$CI_JOB_URL" ansible-playbook site.yml
'''

import os
import time
import unicodedata
from html import escape

from ansible.plugins.callback import CallbackBase

from ansible_collections.turbosmtp.api.plugins.module_utils._connection import check_connection_options, connection_secrets
from ansible_collections.turbosmtp.api.plugins.module_utils._secrets import SecretMasker
from ansible_collections.turbosmtp.api.plugins.module_utils.client import SEND_OPTIONS, SendClient, TurboSMTPError

CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"
DEFAULT_SUBJECT = 'Ansible {playbook}: {status} ({failed} failed, {unreachable} unreachable, {changed} changed)'
COUNTERS = ('ok', 'changed', 'failures', 'unreachable', 'skipped', 'rescued', 'ignored')
COUNTER_LABELS = ('ok', 'changed', 'failed', 'unreachable', 'skipped', 'rescued', 'ignored')
# A mail is no place for a whole stack of output: long messages are cut.
MAX_MSG_CHARS = 2000
# The options whose values are secrets: masked in every warning, as a module masks its no_log options.
SECRET_OPTIONS = ('consumer_key', 'consumer_secret', 'password')
# Line and paragraph separators that some mail software treats as line breaks, besides the control characters.
HEADER_BREAKERS = ('\u2028', '\u2029')


def header_breaker(value):
    """The first character of value that could end a mail header line or inject another header, or None."""
    for character in value:
        if character in HEADER_BREAKERS or unicodedata.category(character) == 'Cc':
            return character
    return None


class UnsafeHeader(ValueError):
    """A from, to or subject that would put a control character or line break into a mail header."""

    def __init__(self, setting, character):
        super().__init__(
            '%s contains a control character or line break (U+%04X); the mail was not sent, as it could add '
            'or change mail headers' % (setting, ord(character)))


def _result_parts(result):
    """(host name, task name, result dict) across ansible-core versions (2.19 added public names)."""
    host = getattr(result, 'host', None) or result._host
    task = getattr(result, 'task', None) or result._task
    data = getattr(result, 'result', None)
    if not isinstance(data, dict):
        data = result._result
    return host.get_name(), task, data


def failure_message(task, data):
    """The msg of a failed result, or Ansible's censored text when the result is no_log."""
    if (isinstance(getattr(task, 'no_log', None), bool) and task.no_log) or data.get('_ansible_no_log') or 'censored' in data:
        return CENSORED
    message = data.get('msg') or data.get('reason') or 'failed without a message'
    message = str(message)
    if len(message) > MAX_MSG_CHARS:
        message = message[:MAX_MSG_CHARS] + '...'
    return message


def format_duration(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return '%dh %02dm %02ds' % (hours, minutes, seconds)
    if minutes:
        return '%dm %02ds' % (minutes, seconds)
    return '%ds' % seconds


class RunSummary:
    """What the mail says about one playbook run."""

    def __init__(self, playbook, stats, failures, duration, job_url=None):
        self.playbook = playbook
        self.failures = failures
        self.duration = format_duration(duration)
        self.job_url = job_url
        self.hosts = []
        for host in sorted(stats.processed):
            counts = stats.summarize(host)
            self.hosts.append((host, [int(counts.get(name, 0)) for name in COUNTERS]))

    def hosts_with(self, counter):
        index = COUNTERS.index(counter)
        return sum(1 for _host, counts in self.hosts if counts[index])

    @property
    def failed(self):
        return bool(self.hosts_with('failures') or self.hosts_with('unreachable'))

    @property
    def changed(self):
        return bool(self.hosts_with('changed'))

    def fields(self):
        """The values a subject template may use."""
        return dict(playbook=self.playbook, status='failed' if self.failed else 'succeeded', hosts=len(self.hosts),
                    ok=self.hosts_with('ok'), changed=self.hosts_with('changed'), failed=self.hosts_with('failures'),
                    unreachable=self.hosts_with('unreachable'), skipped=self.hosts_with('skipped'), duration=self.duration)

    def text(self):
        fields = self.fields()
        lines = ['Playbook %s %s in %s.' % (self.playbook, fields['status'], self.duration), '']
        if self.job_url:
            lines += ['Job: %s' % self.job_url, '']
        lines.append('Hosts:')
        for host, counts in self.hosts:
            lines.append('  %s: %s' % (host, ', '.join('%s=%d' % pair for pair in zip(COUNTER_LABELS, counts))))
        if self.failures:
            lines += ['', 'Failed tasks:']
            for host, task, message in self.failures:
                lines.append('  %s | %s: %s' % (host, task, message))
        return '\n'.join(lines) + '\n'

    def html(self):
        fields = self.fields()
        colour = '#b00020' if self.failed else '#1b5e20'
        parts = ['<html><body style="font-family: sans-serif">',
                 '<h2 style="color: %s">Playbook %s %s</h2>' % (colour, escape(self.playbook), fields['status']),
                 '<p>Duration: %s</p>' % escape(self.duration)]
        if self.job_url:
            parts.append('<p><a href="%s">Open the job</a></p>' % escape(self.job_url, quote=True))
        parts.append('<table border="1" cellpadding="4" cellspacing="0"><tr><th>host</th>%s</tr>'
                     % ''.join('<th>%s</th>' % label for label in COUNTER_LABELS))
        for host, counts in self.hosts:
            parts.append('<tr><td>%s</td>%s</tr>' % (escape(host), ''.join('<td>%d</td>' % count for count in counts)))
        parts.append('</table>')
        if self.failures:
            parts.append('<h3>Failed tasks</h3><table border="1" cellpadding="4" cellspacing="0">'
                         '<tr><th>host</th><th>task</th><th>message</th></tr>')
            for host, task, message in self.failures:
                parts.append('<tr><td>%s</td><td>%s</td><td><pre>%s</pre></td></tr>' % (escape(host), escape(task), escape(message)))
            parts.append('</table>')
        parts.append('</body></html>')
        return '\n'.join(parts)


class CallbackModule(CallbackBase):
    """Send a run summary through turboSMTP when a playbook ends."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'turbosmtp.api.notify'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super().__init__(display=display)
        self.playbook_name = 'playbook'
        self.started = time.time()
        self.failures = []
        self.options_error = None

    def set_options(self, task_keys=None, var_options=None, direct=None):
        # A bad setting must cost the mail, not the run.
        try:
            super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        except Exception as error:  # pylint: disable=broad-except
            self.options_error = str(error)

    def v2_playbook_on_start(self, playbook):
        self.playbook_name = os.path.basename(getattr(playbook, '_file_name', None) or 'playbook')
        self.started = time.time()
        self.failures = []

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if ignore_errors:
            return
        host, task, data = _result_parts(result)
        self.failures.append((host, task.get_name(), failure_message(task, data)))

    def v2_runner_on_unreachable(self, result):
        host, task, data = _result_parts(result)
        self.failures.append((host, task.get_name(), 'unreachable: %s' % failure_message(task, data)))

    def v2_playbook_on_stats(self, stats):
        try:
            self.notify(stats)
        except Exception as error:  # pylint: disable=broad-except
            # Whatever goes wrong here, the run's own result must stand.
            self._display.warning('turbosmtp.api.notify: could not send the run summary: %s' % self.masked(error))

    def masked(self, text):
        """text with every secret this callback knows masked: the API and exceptions may repeat what was sent."""
        try:
            settings = self.send_settings()
        except Exception:  # pylint: disable=broad-except
            settings = {}
        secrets = [settings.get(name) for name in SECRET_OPTIONS]
        secrets.extend(connection_secrets(settings))
        return SecretMasker(secrets).mask(str(text))

    def notify(self, stats):
        if self.options_error:
            raise ValueError('bad settings: %s' % self.options_error)
        summary = RunSummary(self.playbook_name, stats, self.failures, time.time() - self.started, self.get_option('job_url'))
        when = self.get_option('on')
        if when == 'failure' and not summary.failed or when == 'change' and not (summary.changed or summary.failed):
            return
        recipients = [str(address).strip() for address in self.get_option('to') or [] if address and str(address).strip()]
        sender = self.get_option('sender')
        if not recipients or not sender:
            raise ValueError('set the recipients (TURBOSMTP_NOTIFY_TO or "to" in [callback_turbosmtp_notify]) and the '
                             'sender (TURBOSMTP_NOTIFY_FROM or "sender")')
        self.check_header('the sender (TURBOSMTP_NOTIFY_FROM or "sender")', sender)
        for recipient in recipients:
            self.check_header('a recipient (TURBOSMTP_NOTIFY_TO or "to")', recipient)
        message = {
            'from': sender,
            'to': ', '.join(recipients),
            'subject': self.subject(summary),
            'content': summary.text(),
            'html_content': summary.html(),
        }
        # The options the callback does not offer (retries) take the client's default.
        settings = self.send_settings()
        # Before any request: a URL with credentials, a number or header value that cannot work.
        check_connection_options(settings)
        client = SendClient.from_options(settings)
        try:
            mid = client.send(message)
        except TurboSMTPError as error:
            raise ValueError(error.message) from error
        finally:
            self.close_quietly(client)
        self._display.vvv(self.masked('turbosmtp.api.notify: run summary sent to %s (mid %s)' % (message['to'], mid)))

    def send_settings(self):
        """The connection options this callback has among the send client's; the client's defaults fill the rest.

        (has_option() is not usable here: callbacks keep their options apart before ansible-core 2.19.)
        """
        settings = {}
        for name in SEND_OPTIONS:
            try:
                settings[name] = self.get_option(name)
            except KeyError:
                continue
        return settings

    def close_quietly(self, client):
        try:
            client.close()
        except Exception as error:  # pylint: disable=broad-except
            self._display.vvv('turbosmtp.api.notify: could not close the connection to the send host: %s' % self.masked(error))

    @staticmethod
    def check_header(setting, value):
        character = header_breaker(str(value))
        if character is not None:
            raise UnsafeHeader(setting, character)

    def subject(self, summary):
        template = self.get_option('subject') or DEFAULT_SUBJECT
        self.check_header('the subject setting (TURBOSMTP_NOTIFY_SUBJECT or "subject")', template)
        try:
            subject = template.format(**summary.fields())
        except (KeyError, IndexError, ValueError, AttributeError) as error:
            self._display.warning('turbosmtp.api.notify: the subject %r cannot be formatted (%s: %s); using the default'
                                  % (template, type(error).__name__, error))
            subject = DEFAULT_SUBJECT.format(**summary.fields())
        self.check_header('the subject formatted from the run (its playbook name, for example)', subject)
        return subject
