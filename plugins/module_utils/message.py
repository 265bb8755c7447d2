# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One outgoing message: its options, their checks, and the send API body built from them.

Everything here runs before any request, so a bad address, a missing attachment, a line
break in a header field or a message over the size limit fails the task without sending
anything. Every check raises ValueError naming the offending field (``to[1]``,
``messages[2].subject``...).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import json
import mimetypes
import numbers
import os
import re
import stat

MAX_SUBJECT_CHARS = 700
# The API refuses a message of 24 MB or more, attachments included.
MAX_MESSAGE_BYTES = 24 * 1024 * 1024
# The largest file whose base64 encoding stays under MAX_MESSAGE_BYTES.
MAX_FILE_BYTES = (MAX_MESSAGE_BYTES - 1) * 3 // 4
DEFAULT_ATTACHMENT_TYPE = 'application/octet-stream'

# The options one message is made of; `messages` items take the same ones.
MESSAGE_FIELDS = ('from', 'to', 'cc', 'bcc', 'subject', 'content', 'html_content', 'reply_to', 'custom_headers',
                  'reference_id', 'campaign_id', 'mime_raw', 'attachments')
RECIPIENT_FIELDS = ('to', 'cc', 'bcc')

_ADDRESS = (r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
_BARE_ADDRESS = re.compile(r'^%s$' % _ADDRESS)
_NAMED_ADDRESS = re.compile(r'^([^<>]*?)\s*<%s>$' % _ADDRESS)
# Anything that ends up in a mail header must stay on its one line: a CR or LF there would let a
# value add headers of its own (``Hello\r\nBcc: spy@example.com``). Unicode category Cc (which
# holds NEL, U+0085) and the Unicode line and paragraph separators are refused as well.
_HEADER_BREAKERS = re.compile('[\u0000-\u001f\u007f-\u009f\u2028\u2029]')
_CHARACTER_NAMES = {'\r': 'CR', '\n': 'LF', '\t': 'TAB', '\u0085': 'NEL', '\u007f': 'DEL',
                    '\u2028': 'LINE SEPARATOR', '\u2029': 'PARAGRAPH SEPARATOR'}
# RFC 5322 field names: printable US-ASCII except the colon.
_HEADER_NAME = re.compile(r'^[!-9;-~]+$')


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


def check_header_text(field, value):
    """``value`` unchanged, or ValueError when it holds a line break or another control character."""
    found = _HEADER_BREAKERS.search(value)
    if found:
        character = found.group()
        name = _CHARACTER_NAMES.get(character)
        raise ValueError('%s: contains %s at character %d; a mail header field must be one line without '
                         'control characters' % (field, 'U+%04X%s' % (ord(character), ' (%s)' % name if name else ''),
                                                 found.start() + 1))
    return value


def check_address(field, value):
    """``addr`` or ``Name <addr>``, with no comma in the name (the API splits recipient lists on commas)."""
    text = check_header_text(field, str(value)).strip()
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
        return read_regular_file(path)
    except OSError as error:
        reason = error.strerror or str(error)
    except ValueError as error:
        reason = str(error)
    raise ValueError('%s: cannot read attachment file %s: %s' % (field, path, reason))


def read_regular_file(path):
    """The bytes of a regular file small enough to attach; ValueError (the reason) or OSError otherwise.

    Only a regular file is read: a FIFO would block the read forever and a device such as
    /dev/zero never ends, so neither is even opened for reading. The size is checked first.
    """
    check_regular_file(os.stat(path))
    # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening it must not hang.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0))
    with os.fdopen(descriptor, 'rb') as source:
        check_regular_file(os.fstat(source.fileno()))
        data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError('it grew past %d bytes while being read, too large for a message under 24 MB once '
                         'base64 encoded' % MAX_FILE_BYTES)
    return data


def check_regular_file(status, max_bytes=None):
    """ValueError (the reason) unless ``status`` (an os.stat result) is a regular file of at most ``max_bytes``."""
    if not stat.S_ISREG(status.st_mode):
        raise ValueError('it is %s, not a regular file; only regular files can be attached' % _file_kind(status.st_mode))
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if status.st_size > limit:
        raise ValueError('it is %d bytes, too large for a message under 24 MB once base64 encoded' % status.st_size)


def _file_kind(mode):
    for test, kind in ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a FIFO (named pipe)'),
                       (stat.S_ISCHR, 'a character device'), (stat.S_ISBLK, 'a block device'),
                       (stat.S_ISSOCK, 'a socket')):
        if test(mode):
            return kind
    return 'a special file'


# Bidirectional embeddings, overrides and isolates: "\u202egnp.exe" shows as "exe.png".
_BIDI_CONTROLS = re.compile('[\u202a-\u202e\u2066-\u2069]')
_LONE_SURROGATE = re.compile('[\ud800-\udfff]')


def check_attachment_name(field, name):
    """``name`` unchanged, or ValueError naming ``field`` when it is no plain file name a mail client shows as it is.

    Refused: a path separator (``/`` or ``\\``), ``.`` or ``..``, bidirectional controls, text that is not
    valid Unicode (a file name that is not UTF-8 arrives with lone surrogates), and header breakers.
    """
    shown = ascii(name)
    if name in ('.', '..'):
        raise ValueError('%s: the attachment name %s is not a file name' % (field, shown))
    if '/' in name or '\\' in name:
        raise ValueError('%s: the attachment name %s holds a path separator (/ or \\); give a file name only' % (field, shown))
    if _BIDI_CONTROLS.search(name):
        raise ValueError('%s: the attachment name %s holds a bidirectional control character (U+202A-U+202E, '
                         'U+2066-U+2069), which can disguise its extension' % (field, shown))
    if _LONE_SURROGATE.search(name):
        raise ValueError('%s: the attachment name %s is not valid Unicode (a file name that is not UTF-8?); '
                         'set name to a valid one' % (field, shown))
    return check_header_text(field, name)


def build_attachment(field, attachment):
    """The API's {name, type, content, content_id} for one `attachments` item."""
    path, content, name = attachment.get('path'), attachment.get('content'), attachment.get('name')
    if path is not None and content is not None:
        raise ValueError('%s: set either path or content, not both' % field)
    if path is not None:
        name = name or os.path.basename(path)
        check_attachment_name('%s.name' % field, name)
        encoded = base64.b64encode(_read_file('%s.path' % field, path)).decode('ascii')
    elif content is not None:
        encoded = re.sub(r'\s+', '', content)
        try:
            base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError('%s.content: not valid base64' % field) from None
        if not name:
            raise ValueError('%s.name: required when the attachment is given as content' % field)
        check_attachment_name('%s.name' % field, name)
    else:
        raise ValueError('%s: set path or content' % field)
    content_type = attachment.get('type') or mimetypes.guess_type(name)[0] or DEFAULT_ATTACHMENT_TYPE
    built = {
        'name': name,
        'type': check_header_text('%s.type' % field, content_type),
        'content': encoded,
    }
    if attachment.get('content_id'):
        built['content_id'] = check_header_text('%s.content_id' % field, attachment['content_id'])
    return built


def _header_value(field, value):
    """A custom header value as text: a string, or a number converted; anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, (str, numbers.Real)):
        raise ValueError('%s: must be a string or a number, got %s%s' % (
            field, 'null' if value is None else type(value).__name__,
            '; quote it in YAML to send it as text' if isinstance(value, bool) or value is None else ''))
    return check_header_text(field, value if isinstance(value, str) else str(value))


def _custom_headers(label, message):
    headers = {}
    for name, value in (message.get('custom_headers') or {}).items():
        field = '%scustom_headers.%s' % (label, name)
        if not _HEADER_NAME.match(str(name)):
            raise ValueError('%scustom_headers: %r is not a header name (printable ASCII, without spaces, colons, '
                             'line breaks or control characters)' % (label, name))
        headers[str(name)] = _header_value(field, value)
    if message.get('reply_to') is not None:
        clash = [name for name in headers if name.lower() == 'reply-to']
        if clash:
            raise ValueError('%sreply_to: custom_headers also sets %s; set only one of them' % (label, clash[0]))
        headers['reply-to'] = check_address('%sreply_to' % label, message['reply_to'])
    return headers


BODY_FIELDS = ('content', 'html_content', 'mime_raw')


def build_message(message, label=''):
    """The send API body for one message (the fields of MESSAGE_FIELDS), or ValueError.

    ``label`` prefixes field names in errors, e.g. ``messages[2].``. Fields are checked in the
    order they are documented, so the first error reported is the first field that is wrong.
    """
    body = {'from': _sender(label, message)}
    body.update(_recipient_fields(label, message))
    body.update(_subject(label, message))
    body.update(_content(label, message))
    body.update(_references(label, message))
    headers = _custom_headers(label, message)
    if headers:
        body['custom_headers'] = headers
    attachments = [build_attachment('%sattachments[%d]' % (label, index), attachment)
                   for index, attachment in enumerate(message.get('attachments') or [])]
    if attachments:
        body['attachments'] = attachments
    _check_size(label, body)
    return body


def _sender(label, message):
    if not message.get('from'):
        raise ValueError('%sfrom: a sender address is required' % label)
    return check_address('%sfrom' % label, message['from'])


def _recipient_fields(label, message):
    recipients = dict((field, _recipients(label, field, message.get(field))) for field in RECIPIENT_FIELDS)
    if not recipients['to']:
        raise ValueError('%sto: at least one recipient is required' % label)
    return dict((field, ', '.join(addresses)) for field, addresses in recipients.items() if addresses)


def _subject(label, message):
    subject = message.get('subject')
    if subject is None:
        return {}
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ValueError('%ssubject: %d characters, the API accepts at most %d' % (label, len(subject), MAX_SUBJECT_CHARS))
    return {'subject': check_header_text('%ssubject' % label, subject)}


def _content(label, message):
    content = dict((field, message[field]) for field in BODY_FIELDS if message.get(field))
    if not content:
        raise ValueError('%scontent: the message has no body; set content, html_content or mime_raw' % label)
    return content


def _references(label, message):
    """reference_id and campaign_id, under the names the API gives them."""
    references = {}
    if message.get('reference_id'):
        references['reference_id'] = check_header_text('%sreference_id' % label, message['reference_id'])
    if message.get('campaign_id'):
        references['X-campaign-ID'] = check_header_text('%scampaign_id' % label, message['campaign_id'])
    return references


def _check_size(label, body):
    size = len(json.dumps(body).encode('utf-8'))
    if size >= MAX_MESSAGE_BYTES:
        field = '%s%s' % (label, 'attachments' if body.get('attachments') else 'content')
        raise ValueError('%s: the message is %.1f MB as sent (attachments base64 encoded); the API accepts less than 24 MB'
                         % (field, size / (1024.0 * 1024.0)))
