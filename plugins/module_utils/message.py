# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One outgoing message: its options, their checks, and the send API body built from them.

Everything here runs before any request, so a bad address, a missing attachment or a
message over the size limit fails the task without sending anything. Every check raises
ValueError naming the offending field (``to[1]``, ``messages[2].subject``...).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import json
import mimetypes
import os
import re

MAX_SUBJECT_CHARS = 700
# The API refuses a message of 24 MB or more, attachments included.
MAX_MESSAGE_BYTES = 24 * 1024 * 1024
DEFAULT_ATTACHMENT_TYPE = 'application/octet-stream'

# The options one message is made of; `messages` items take the same ones.
MESSAGE_FIELDS = ('from', 'to', 'cc', 'bcc', 'subject', 'content', 'html_content', 'reply_to', 'custom_headers',
                  'reference_id', 'campaign_id', 'mime_raw', 'attachments')
RECIPIENT_FIELDS = ('to', 'cc', 'bcc')

_ADDRESS = (r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
_BARE_ADDRESS = re.compile(r'^%s$' % _ADDRESS)
_NAMED_ADDRESS = re.compile(r'^([^<>]*?)\s*<%s>$' % _ADDRESS)


def attachment_argument_spec():
    return dict(
        path=dict(type='path'),
        content=dict(type='str'),
        name=dict(type='str'),
        type=dict(type='str'),
        content_id=dict(type='str'),
    )


def message_argument_spec():
    """The options of one message, without defaults so that a `messages` item can inherit them."""
    return {
        'from': dict(type='str', aliases=['sender']),
        'to': dict(type='list', elements='str'),
        'cc': dict(type='list', elements='str'),
        'bcc': dict(type='list', elements='str'),
        'subject': dict(type='str'),
        'content': dict(type='str', aliases=['text_body']),
        'html_content': dict(type='str', aliases=['html_body']),
        'reply_to': dict(type='str'),
        'custom_headers': dict(type='dict'),
        'reference_id': dict(type='str'),
        'campaign_id': dict(type='str'),
        'mime_raw': dict(type='str'),
        'attachments': dict(type='list', elements='dict', options=attachment_argument_spec(),
                            mutually_exclusive=[('path', 'content')], required_one_of=[('path', 'content')]),
    }


def merge_message(defaults, override):
    """A `messages` item over the top-level options: each field it sets replaces the top-level one."""
    merged = dict((field, defaults.get(field)) for field in MESSAGE_FIELDS)
    for field in MESSAGE_FIELDS:
        if override.get(field) is not None:
            merged[field] = override[field]
    return merged


def check_address(field, value):
    """``addr`` or ``Name <addr>``, with no comma in the name (the API splits recipient lists on commas)."""
    text = str(value).strip()
    if _BARE_ADDRESS.match(text):
        return text
    named = _NAMED_ADDRESS.match(text)
    if not named:
        raise ValueError("%s: %r is not a valid email address (use addr@example.com or Name <addr@example.com>)"
                         % (field, value))
    if ',' in named.group(1):
        raise ValueError("%s: the display name in %r contains a comma, which the API reads as a separator "
                         "between addresses; remove the comma" % (field, value))
    return text


def _recipients(label, field, values):
    return [check_address('%s%s[%d]' % (label, field, index), value) for index, value in enumerate(values or [])]


def _read_file(field, path):
    try:
        size = os.path.getsize(path)
        if size * 4 // 3 >= MAX_MESSAGE_BYTES:
            raise ValueError('%s: %s is %d bytes, too large for a message under 24 MB once base64 encoded'
                             % (field, path, size))
        with open(path, 'rb') as source:
            return source.read()
    except (IOError, OSError) as error:
        raise ValueError('%s: cannot read attachment file %s: %s' % (field, path, error.strerror or error))


def build_attachment(field, attachment):
    """The API's {name, type, content, content_id} for one `attachments` item."""
    path, content, name = attachment.get('path'), attachment.get('content'), attachment.get('name')
    if path is not None and content is not None:
        raise ValueError('%s: set either path or content, not both' % field)
    if path is not None:
        encoded = base64.b64encode(_read_file('%s.path' % field, path)).decode('ascii')
        name = name or os.path.basename(path)
    elif content is not None:
        encoded = re.sub(r'\s+', '', content)
        try:
            base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError('%s.content: not valid base64' % field)
        if not name:
            raise ValueError('%s.name: required when the attachment is given as content' % field)
    else:
        raise ValueError('%s: set path or content' % field)
    built = {
        'name': name,
        'type': attachment.get('type') or mimetypes.guess_type(name)[0] or DEFAULT_ATTACHMENT_TYPE,
        'content': encoded,
    }
    if attachment.get('content_id'):
        built['content_id'] = attachment['content_id']
    return built


def _custom_headers(label, message):
    headers = dict((str(name), str(value)) for name, value in (message.get('custom_headers') or {}).items())
    if message.get('reply_to') is not None:
        clash = [name for name in headers if name.lower() == 'reply-to']
        if clash:
            raise ValueError('%sreply_to: custom_headers also sets %s; set only one of them' % (label, clash[0]))
        headers['reply-to'] = check_address('%sreply_to' % label, message['reply_to'])
    return headers


def build_message(message, label=''):
    """The send API body for one message (the fields of MESSAGE_FIELDS), or ValueError.

    ``label`` prefixes field names in errors, e.g. ``messages[2].``.
    """
    if not message.get('from'):
        raise ValueError('%sfrom: a sender address is required' % label)
    body = {'from': check_address('%sfrom' % label, message['from'])}
    recipients = dict((field, _recipients(label, field, message.get(field))) for field in RECIPIENT_FIELDS)
    if not recipients['to']:
        raise ValueError('%sto: at least one recipient is required' % label)
    for field in RECIPIENT_FIELDS:
        if recipients[field]:
            body[field] = ', '.join(recipients[field])
    subject = message.get('subject')
    if subject is not None:
        if len(subject) > MAX_SUBJECT_CHARS:
            raise ValueError('%ssubject: %d characters, the API accepts at most %d'
                             % (label, len(subject), MAX_SUBJECT_CHARS))
        body['subject'] = subject
    if not any(message.get(field) for field in ('content', 'html_content', 'mime_raw')):
        raise ValueError('%scontent: the message has no body; set content, html_content or mime_raw' % label)
    for field in ('content', 'html_content', 'mime_raw', 'reference_id'):
        if message.get(field):
            body[field] = message[field]
    if message.get('campaign_id'):
        body['X-campaign-ID'] = message['campaign_id']
    headers = _custom_headers(label, message)
    if headers:
        body['custom_headers'] = headers
    attachments = [build_attachment('%sattachments[%d]' % (label, index), attachment)
                   for index, attachment in enumerate(message.get('attachments') or [])]
    if attachments:
        body['attachments'] = attachments
    size = len(json.dumps(body).encode('utf-8'))
    if size >= MAX_MESSAGE_BYTES:
        field = '%s%s' % (label, 'attachments' if attachments else 'content')
        raise ValueError('%s: the message is %.1f MB as sent (attachments base64 encoded); the API accepts less than 24 MB'
                         % (field, size / (1024.0 * 1024.0)))
    return body
