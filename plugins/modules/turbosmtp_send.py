#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_send
short_description: Send email through turboSMTP
version_added: 1.0.0
description:
  - Sends one message, or a batch of messages, through the turboSMTP send API (C(POST /api/v2/mail/send)).
  - Every message is checked before anything is sent, so an invalid address, a missing attachment file, a line
    break in a header field or a message of 24 MB or more fails the task naming the offending field (and, in a
    batch, the message), and no message goes out.
  - The fields that end up in mail headers (O(from), O(to), O(cc), O(bcc), O(reply_to), O(subject),
    O(custom_headers), O(reference_id), O(campaign_id) and the O(attachments[].name), O(attachments[].type) and
    O(attachments[].content_id) of attachments) must be one line without control characters. A CR, LF, any other
    character of Unicode category Cc, or a Unicode line or paragraph separator (U+2028, U+2029) is refused, so
    that no value can add headers of its own.
  - A message is sent at most once. It is retried only when the API certainly did not take it (HTTP 429, or a
    connection that was never established). When the request went out but no clear answer came back (a timeout,
    a 5xx), the task fails saying the message may or may not have been sent, and it is not retried.
  - Attachment files are read on the controller, like the O(ansible.builtin.copy#module:src) of M(ansible.builtin.copy);
    set O(remote_src=true) to read them on the host the module runs on.
author:
  - turbosmtp.api contributors (@turbosmtp)
options:
  from:
    description:
      - The sender, C(addr@example.com) or C(Name <addr@example.com>).
      - Required, here or in every item of O(messages).
    type: str
    aliases: [sender]
  to:
    description:
      - The recipients, each C(addr@example.com) or C(Name <addr@example.com>).
      - Display names must not contain commas, because the API splits the list on commas.
      - At least one is required, here or in every item of O(messages).
    type: list
    elements: str
  cc:
    description:
      - Carbon-copy recipients, in the same form as O(to).
    type: list
    elements: str
  bcc:
    description:
      - Blind carbon-copy recipients, in the same form as O(to).
    type: list
    elements: str
  subject:
    description:
      - The subject, at most 700 characters.
    type: str
  content:
    description:
      - The plain-text body.
      - At least one of O(content), O(html_content) and O(mime_raw) is required.
    type: str
    aliases: [text_body]
  html_content:
    description:
      - The HTML body.
    type: str
    aliases: [html_body]
  reply_to:
    description:
      - The address replies go to, sent as the custom header C(reply-to).
      - Do not also set a C(Reply-To) in O(custom_headers).
    type: str
  custom_headers:
    description:
      - Extra message headers, header name to value.
      - A name is printable ASCII without spaces or colons. A value is a string or a number (sent as text);
        a list, a dictionary, a boolean or null is refused (quote V(yes) or V(true) to send it as text).
    type: dict
  reference_id:
    description:
      - Your own identifier for the message, echoed back in webhook events.
    type: str
  campaign_id:
    description:
      - A campaign tag, sent as C(X-campaign-ID); it shows as C(x_campaign_id) in analytics.
    type: str
  mime_raw:
    description:
      - A whole MIME message. It replaces O(content) and O(html_content).
    type: str
  attachments:
    description:
      - Files to attach. Each is given by O(attachments[].path) or by O(attachments[].content).
    type: list
    elements: dict
    suboptions:
      path:
        description:
          - A file to attach. Read on the controller unless O(remote_src=true).
          - It must be a regular file (or a link to one). A directory, a FIFO or a device fails the task at once,
            before anything is read. Its size is checked before it is read.
          - A relative path is looked up like the O(ansible.builtin.copy#module:src) of M(ansible.builtin.copy),
            in the C(files/) directory of the role or of the playbook.
        type: path
      content:
        description:
          - The attachment itself, base64 encoded.
        type: str
      name:
        description:
          - The file name the recipient sees.
          - Defaults to the file name of O(attachments[].path); required with O(attachments[].content).
        type: str
      type:
        description:
          - The MIME type. Guessed from O(attachments[].name) when not set, and C(application/octet-stream)
            when it cannot be guessed.
        type: str
      content_id:
        description:
          - The Content-ID of an inline image, referenced from the HTML body as C(cid:<content_id>).
          - The API rewrites it to C(<content_id>@<sender domain>).
        type: str
  remote_src:
    description:
      - When V(false), attachment paths are read on the controller and sent to the module base64 encoded.
      - When V(true), they are read on the host the module runs on.
    type: bool
    default: false
  messages:
    description:
      - Send a batch. Each item is one message; every field it sets replaces the top-level option of the same
        name, and the fields it leaves out are taken from the top-level options.
      - Messages are sent concurrently, each at most once. When some fail, the task fails listing which were
        sent and which were not, and still returns RV(messages), so a rerun can be limited to the failed ones.
        The failure message names at most 10 unsent and 10 sent messages; RV(messages) holds every outcome.
    type: list
    elements: dict
    suboptions:
      from:
        description: The sender, as O(from).
        type: str
        aliases: [sender]
      to:
        description: The recipients, as O(to).
        type: list
        elements: str
      cc:
        description: Carbon-copy recipients, as O(cc).
        type: list
        elements: str
      bcc:
        description: Blind carbon-copy recipients, as O(bcc).
        type: list
        elements: str
      subject:
        description: The subject, as O(subject).
        type: str
      content:
        description: The plain-text body, as O(content).
        type: str
        aliases: [text_body]
      html_content:
        description: The HTML body, as O(html_content).
        type: str
        aliases: [html_body]
      reply_to:
        description: The reply address, as O(reply_to).
        type: str
      custom_headers:
        description: Extra headers, as O(custom_headers). They replace the top-level ones as a whole.
        type: dict
      reference_id:
        description: Your identifier, as O(reference_id).
        type: str
      campaign_id:
        description: The campaign tag, as O(campaign_id).
        type: str
      mime_raw:
        description: A whole MIME message, as O(mime_raw).
        type: str
      attachments:
        description: Files to attach, as O(attachments). They replace the top-level ones as a whole.
        type: list
        elements: dict
        suboptions:
          path:
            description: A file to attach, as O(attachments[].path).
            type: path
          content:
            description: The attachment base64 encoded, as O(attachments[].content).
            type: str
          name:
            description: The file name, as O(attachments[].name).
            type: str
          type:
            description: The MIME type, as O(attachments[].type).
            type: str
          content_id:
            description: The Content-ID of an inline image, as O(attachments[].content_id).
            type: str
  concurrency:
    description:
      - How many messages of O(messages) are sent at the same time, from 1 to 32.
    type: int
    default: 4
extends_documentation_fragment:
  - turbosmtp.api.connection
  - turbosmtp.api.connection.SEND
  - turbosmtp.api.connection.DASHBOARD_IGNORED
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - Reads attachment files on the controller unless O(remote_src=true).
  check_mode:
    support: full
    details:
      - Checks and builds every message, sends nothing, and reports RV(ignore:changed=true).
  diff_mode:
    support: none
  idempotent:
    support: none
    details:
      - Sending cannot be undone or recognised later; the send API documents no key that would tell a message already
        sent from a new one. Every run sends every message again and reports a change.
      - Guard the task (for example with C(when), a handler or C(run_once)) when a message must go out only once.
seealso:
  - module: turbosmtp.api.turbosmtp_stats_info
    description: See what happened to the messages sent.
  - plugin: turbosmtp.api.notify
    plugin_type: callback
    description: Mail a summary of every playbook run, without a task.
  - name: Event-Driven Ansible guide
    description: Follow deliveries, bounces and clicks of the messages sent (RV(mid) and O(reference_id) are in the events).
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/event_driven_ansible.rst
  - name: turbosmtp.api user guide
    description: The use case "deployment notifications from CI/CD" with the C(turbosmtp.api.deploy_notify) role, and how the send host authenticates.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
'''

EXAMPLES = r'''
- name: Tell the team a deployment is done
  turbosmtp.api.turbosmtp_send:
    consumer_key: "{{ turbosmtp_consumer_key }}"
    consumer_secret: "{{ turbosmtp_consumer_secret }}"
    from: Deploy bot <deploy@example.com>
    to:
      - ops@example.com
      - Jane Doe <jane@example.com>
    reply_to: ops-lead@example.com
    subject: "{{ app }} {{ version }} is live"
    content: "{{ app }} {{ version }} was deployed to production."
    html_content: "<p><b>{{ app }} {{ version }}</b> was deployed to production.</p>"
    campaign_id: deployments
    attachments:
      - path: release-notes.pdf
  delegate_to: localhost
  run_once: true
  register: notification

- name: Send a batch built from a list
  turbosmtp.api.turbosmtp_send:
    from: news@example.com
    subject: Maintenance tonight
    content: The service is down from 22:00 to 23:00 UTC.
    messages:
      - to: [alice@example.com]
        reference_id: notice-alice
      - to: [bob@example.com]
        reference_id: notice-bob
        attachments:
          # A binary file is attached by path: the action plugin reads it from the controller as bytes.
          - path: map.png
  delegate_to: localhost
'''

RETURN = r'''
mid:
  description:
    - The id turboSMTP gave the message, as a string (it can be larger than a JSON number can hold exactly).
    - Returned when one message was sent (without O(messages)).
  returned: success and not check mode, without O(messages)
  type: str
  sample: '9007199254740993001'
may_have_been_sent:
  description:
    - True when the task failed after the request went out without a clear answer, so the message may or may not
      have been sent. It was not retried.
  returned: failure of a single message
  type: bool
  sample: true
messages:
  description:
    - One item per item of O(messages), in the same order, also when the task fails.
  returned: when O(messages) is set
  type: list
  elements: dict
  contains:
    to:
      description: The recipients of the message.
      type: list
      elements: str
      sample: [alice@example.com]
    mid:
      description: The id turboSMTP gave the message, when it was sent.
      type: str
      sample: '9007199254740993001'
    status:
      description:
        - V(sent) when turboSMTP took the message; V(failed) when it did not;
          V(unknown) when the request went out without a clear answer, so it may or may not have been sent;
          V(not sent) in check mode.
      type: str
      sample: sent
    error:
      description: Why the message was not sent, or why its fate is unknown; null when it was sent.
      type: str
      sample: null
'''

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils._concurrency import map_concurrently
from ansible_collections.turbosmtp.api.plugins.module_utils.message import (
    build_message,
    merge_message,
    message_argument_spec,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.module import TaskFailed, TurboSMTPModule, concurrency_argument_spec
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import check_concurrency


def _outcome(recipients, mid=None, status='sent', error=None):
    return dict(to=recipients, mid=mid, status=status, error=error)


# The failure msg of a batch names at most this many unsent and this many sent messages, each entry cut
# to ENTRY_CHARS, so it stays readable whatever the batch size; RV(messages) keeps every outcome.
LISTED_IN_MSG = 10
ENTRY_CHARS = 400


def _listing(entries):
    shown = [entry if len(entry) <= ENTRY_CHARS else entry[:ENTRY_CHARS - 3] + '...' for entry in entries[:LISTED_IN_MSG]]
    if len(entries) > LISTED_IN_MSG:
        shown.append('and %d more' % (len(entries) - LISTED_IN_MSG))
    return '; '.join(shown)


def _batch_summary(outcomes):
    unsent = ['messages[%d] to %s (%s: %s)' % (index, ', '.join(item['to']), item['status'], item['error'])
              for index, item in enumerate(outcomes) if item['status'] != 'sent']
    sent = ['messages[%d] to %s (mid %s)' % (index, ', '.join(item['to']), item['mid'])
            for index, item in enumerate(outcomes) if item['status'] == 'sent']
    summary = '%d of %d messages were not sent: %s. Sent: %s.' % (
        len(unsent), len(outcomes), _listing(unsent), _listing(sent) or 'none')
    if len(unsent) > LISTED_IN_MSG or len(sent) > LISTED_IN_MSG:
        summary += ' The outcome of every message is in the messages result.'
    return summary


class Send(TurboSMTPModule):

    argument_spec = dict(
        message_argument_spec(),
        remote_src=dict(type='bool', default=False),
        messages=dict(type='list', elements='dict', options=message_argument_spec()),
        concurrency=concurrency_argument_spec(),
    )

    def validate(self):
        """The API body of every message, checked."""
        check_concurrency(self.params['concurrency'])
        if self.params['messages'] is None:
            return [build_message(self.params)]
        return [build_message(merge_message(self.params, item), 'messages[%d].' % index)
                for index, item in enumerate(self.params['messages'])]

    def run(self, parsed):
        self.sender.check_credentials()
        if self.params['messages'] is None:
            return self.send_one(parsed[0])
        return self.send_batch(parsed)

    def send_one(self, body):
        if self.check_mode:
            return dict(changed=True)
        try:
            return dict(changed=True, mid=self.sender.send(body))
        except TurboSMTPError as error:
            raise TaskFailed(error.message, error, may_have_been_sent=error.may_have_been_sent) from error

    def send_batch(self, bodies):
        if self.check_mode:
            return dict(changed=bool(bodies), messages=[
                _outcome(recipients(body), mid=None, status='not sent') for body in bodies])
        outcomes = map_concurrently(self.try_send, bodies, self.params['concurrency'])
        changed = any(item['status'] == 'sent' for item in outcomes)
        if all(item['status'] == 'sent' for item in outcomes):
            return dict(changed=changed, messages=outcomes)
        raise TaskFailed(_batch_summary(outcomes), None, http_status=None, error_code=None, error_details=None,
                         changed=changed, messages=outcomes)

    def try_send(self, body):
        try:
            return _outcome(recipients(body), mid=self.sender.send(body))
        except TurboSMTPError as error:
            return _outcome(recipients(body), status='unknown' if error.may_have_been_sent else 'failed',
                            error=error.message)


def recipients(body):
    return body['to'].split(', ')


def main():
    Send.execute()


if __name__ == '__main__':
    main()
