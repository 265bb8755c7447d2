# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Every description is a block scalar: text such as C({"status": ...}) or C(Authorization: Bearer <token>)
# in a plain scalar turns into a YAML mapping and breaks ansible-doc.
DOCUMENTATION = r'''
---
short_description: Receive turboSMTP webhook events
description:
  - >-
    An ansible-rulebook event source that listens for turboSMTP webhook calls (configured in the
    turboSMTP dashboard) and puts one event on the queue for every delivery or engagement event.
  - >-
    Accepts C(POST) on any path with a JSON body that is one event object or a list of them (turboSMTP
    may batch events). A batch is all or nothing - if any item is not an object with a C(status), the
    request is answered C(400) and no event of it reaches the rulebook.
  - >-
    Every event has C(status) (upper case, for example C(BOUNCED), C(DELIVERED), C(OPENED)), C(email),
    C(mid) (a string - mids exceed the precision of JSON numbers in many tools), C(timestamp) (ISO 8601,
    UTC, from the Unix seconds turboSMTP sends; null when absent), C(reason) (text - the C(response) of the
    object turboSMTP sends on C(BOUNCED) and C(DROPPED), the string it sends on C(DEFERRED), else null) and
    C(raw) (the event exactly as received).
  - >-
    These fields are copied from the received event when present - C(id), C(subject), C(attempt), C(url),
    C(useragent), C(ip), C(reference_id).
  - >-
    turboSMTP does not sign webhook calls. Protect the endpoint with O(username) and O(password) (put them
    in the callback URL, C(https://user:pass@host:port/)) or a bearer O(token), and with TLS.
  - >-
    A credential option that is empty (as AAP's credential types inject a field left blank) counts as not
    set; the source uses the credentials that are set. With none set, the source refuses to start, unless
    O(allow_anonymous=true).
  - >-
    turboSMTP may deliver an event again (a retry after a call that timed out). An event whose C(id) and
    C(status) are those of one of the last O(duplicate_window) events accepted is dropped; see O(duplicate_window).
  - >-
    Answers - C(200) with C({"status": "accepted", "events": N}) when the events are queued (with
    C("duplicates": M) added when M events of the request were dropped as duplicates); C(401) for
    missing or wrong credentials; C(400) for a body that is not UTF-8 JSON (C(NaN), C(Infinity) and
    escapes of lone surrogates are not JSON), is not an object or a list of objects, or has an event
    without C(status); C(413) for a body larger than O(max_body_bytes) or a
    batch of more than O(max_events) events; C(503) with a C(Retry-After) header while O(max_pending)
    events already wait for the rulebook; C(408) for a body that does not arrive within O(read_timeout).
    No request is answered C(500). Refusals other than C(401) are JSON objects with C(status) and an C(error) saying what was wrong.
    After a C(401), C(408) or C(413) the connection is closed at once, without reading the rest of the body.
  - >-
    Option values that cannot work (for example O(max_events=0)) stop the source when it starts, with a
    message naming the option.
version_added: 1.0.0
author:
  - turbosmtp.api contributors (@turbosmtp)
requirements:
  - aiohttp
options:
  host:
    description: The address to listen on.
    type: str
    default: 0.0.0.0
  port:
    description: The TCP port to listen on, from 1 to 65535.
    type: int
    required: true
  username:
    description:
      - User name that HTTP Basic authentication requires. Requires O(password).
      - An empty value counts as not set.
    type: str
  password:
    description:
      - Password that HTTP Basic authentication requires. Requires O(username).
      - An empty value counts as not set.
    type: str
  token:
    description:
      - >-
        Token that an C(Authorization: Bearer <token>) header must carry.
      - When both O(token) and O(username)/O(password) are set, either is accepted.
      - An empty value counts as not set.
    type: str
  allow_anonymous:
    description:
      - >-
        Accept calls without credentials when neither O(token) nor O(username)/O(password) is set.
        B(Unsafe) - anyone who can reach the port can then trigger the rulebook's actions (for example a
        mail to an address of their choosing). Use it only for tests, or behind a proxy that authenticates.
      - Without it, a source with no credential set refuses to start, naming the options.
      - When credentials are set they are always required, whatever this option says.
    type: bool
    default: false
    version_added: 1.1.0
  certfile:
    description: Path to a PEM certificate (chain) to serve HTTPS with. An empty value counts as not set.
    type: str
  keyfile:
    description:
      - Path to the PEM private key of O(certfile), when the key is not in that file. Requires O(certfile).
      - An empty value counts as not set.
    type: str
  max_body_bytes:
    description: Largest accepted request body, in bytes.
    type: int
    default: 1048576
  read_timeout:
    description:
      - >-
        Seconds a client has to send a request's headers (counted from when it connects, or from the
        previous answer on a kept-alive connection), and again to send the body once the headers are in.
        A connection whose headers are late is closed without an answer; a late body gets C(408) and the
        connection is closed.
      - A kept-alive connection that stays idle this long is closed.
      - >-
        This keeps clients that send a request slowly, or never finish it, from holding connections
        open forever and starving turboSMTP's calls.
    type: float
    default: 15
    version_added: 1.1.0
  max_events:
    description:
      - >-
        Most events one request may carry. A larger batch is answered C(413) and none of its events are
        queued.
    type: int
    default: 1000
    version_added: 1.1.0
  max_pending:
    description:
      - >-
        Most events that may wait for the rulebook - accepted by the source but not yet taken by the
        rulebook. A request whose events would take that count past this is answered C(503) with
        C(Retry-After), and none of its events are queued, instead of memory growing without limit while
        the rulebook falls behind.
      - >-
        As before, a request is answered C(200) only once the rulebook's queue has taken all its events,
        so a call may wait while the rulebook is busy.
      - Must be at least O(max_events).
    type: int
    default: 10000
    version_added: 1.1.0
  duplicate_window:
    description:
      - >-
        How many of the latest accepted events the source remembers by their C(id) and C(status). An event
        whose C(id) and C(status) are remembered is dropped, not queued again - turboSMTP retries a call whose
        answer it did not get, and the rulebook would otherwise act twice on the same event. Events without
        an C(id) are never dropped.
      - >-
        An event counts as accepted once its request was admitted; should the rulebook stop before taking
        it, it is forgotten again.
      - C(0) turns the check off. Memory is about 200 bytes per remembered event.
    type: int
    default: 10000
    version_added: 1.1.0
'''

EXAMPLES = r'''
- name: Act on turboSMTP bounces
  hosts: localhost
  sources:
    - turbosmtp.api.webhook:
        port: 5000
        username: turbosmtp
        password: "{{ webhook_password }}"
        certfile: /etc/eda/tls/webhook.crt
        keyfile: /etc/eda/tls/webhook.key
        read_timeout: 15
        max_events: 1000
        max_pending: 10000
  rules:
    - name: Hard bounce
      condition: event.status == "BOUNCED"
      action:
        debug:
          msg: "{{ event.email }} bounced: {{ event.reason }}"
'''

import asyncio
import base64
import binascii
import hmac
import json
import logging
import math
import re
import ssl
from collections import OrderedDict
from datetime import datetime, timezone

from aiohttp import web

LOGGER = logging.getLogger(__name__)


class OneLineErrors(logging.Filter):
    """Turns aiohttp's traceback for a malformed request into one warning line.

    Abusive clients can send malformed requests at will; a traceback each would flood the log. Only the
    exception's class is kept: aiohttp's messages can quote the offending header, which may carry a credential.
    """

    def filter(self, record):
        if record.exc_info:
            error = record.exc_info[1]
            record.msg, record.args = 'turbosmtp.api.webhook: %s (%s)', (record.getMessage(), type(error).__name__)
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


class MaskedSecrets(logging.Filter):
    """Masks the source's own credentials in every record of its loggers, whatever text a library put there.

    (This file runs on its own under ansible-rulebook, without the collection's module_utils, so it cannot
    share the collection's masking helper.)
    """

    MASK = '********'

    def __init__(self):
        super().__init__()
        self.secrets = []

    def remember(self, *secrets):
        for secret in secrets:
            if secret and secret not in self.secrets:
                self.secrets.append(secret)
        self.secrets.sort(key=len, reverse=True)

    def mask(self, text):
        for secret in self.secrets:
            text = text.replace(secret, self.MASK)
        return text

    def filter(self, record):
        if self.secrets:
            message = record.getMessage()
            masked = self.mask(message)
            if masked != message:
                record.msg, record.args = masked, None
        return True


# The logger handed to aiohttp's connection handler, for what it reports about requests.
HTTP_LOGGER = logging.getLogger(__name__ + '.http')
HTTP_LOGGER.addFilter(OneLineErrors())
SECRET_MASK = MaskedSecrets()
for _logger in (LOGGER, HTTP_LOGGER):
    _logger.addFilter(SECRET_MASK)

DEFAULT_HOST = '0.0.0.0'
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_READ_TIMEOUT = 15
DEFAULT_MAX_EVENTS = 1000
DEFAULT_MAX_PENDING = 10000
DEFAULT_DUPLICATE_WINDOW = 10000
# How long a client told 503 should wait: ansible-rulebook usually drains thousands of events in that time.
RETRY_AFTER_SECONDS = 5
READ_CHUNK = 64 * 1024
# Optional fields of turboSMTP events that rules commonly need, copied to the top of the event.
PASSED_THROUGH = ('id', 'subject', 'attempt', 'url', 'useragent', 'ip', 'reference_id')
JSON_TYPE_NAMES = {str: 'a string', int: 'a number', float: 'a number', bool: 'a boolean', type(None): 'null'}


class BadRequest(Exception):
    """A request the source answers 400 without queueing anything."""


def iso_timestamp(value):
    """ISO 8601 UTC text of a Unix time in seconds (number or numeric string); None if it is not one."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
        moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    text = moment.isoformat(timespec='milliseconds' if moment.microsecond else 'seconds')
    return text.replace('+00:00', 'Z')


def reason_text(reason):
    """The reason as text: turboSMTP sends {"0": ..., "response": ...} on bounces and drops, a string on deferrals."""
    # A loop rather than recursion: a body can nest "response" objects as deep as the JSON parser allows.
    while isinstance(reason, dict):
        reason = next((reason[key] for key in ('response', '0') if reason.get(key) not in (None, '')), None)
    if reason is None or isinstance(reason, str):
        return reason
    return json.dumps(reason, sort_keys=True)


def json_type_name(value):
    return JSON_TYPE_NAMES.get(type(value), 'a list' if isinstance(value, list) else 'an object')


def to_event(item, position=None):
    """The rulebook event of one received turboSMTP event; raises BadRequest if it is not one."""
    where = 'the event' if position is None else 'event %d of the batch' % position
    if not isinstance(item, dict):
        raise BadRequest('%s is %s, not a JSON object' % (where, json_type_name(item)))
    status = item.get('status')
    if not isinstance(status, str) or not status.strip():
        raise BadRequest('%s needs a "status" that is a non-empty string' % where)
    mid = item.get('mid')
    event = {
        'status': status.strip().upper(),
        'email': item.get('email'),
        'mid': None if mid is None else str(mid),
        'timestamp': iso_timestamp(item.get('timestamp')),
        'reason': reason_text(item.get('reason')),
        'raw': item,
    }
    for name in PASSED_THROUGH:
        if name in item:
            event[name] = item[name]
    return event


# A \\u escape in the surrogate range: only then can a decoded string hold a lone surrogate.
SURROGATE_ESCAPE = re.compile(r'\\u[dD][89a-fA-F][0-9a-fA-F]{2}')


def _not_json_constant(name):
    # Python's json module accepts NaN and Infinity; JSON does not, and neither do the encoders downstream.
    raise BadRequest('the body is not valid JSON: %s is not a JSON value' % name)


def _holds_lone_surrogate(value):
    """Whether any string (key or value) of a decoded JSON value holds a surrogate that no pair completes."""
    # A loop rather than recursion: the value may nest as deep as the JSON parser allows.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode('utf-8')
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def decode_payload(body):
    """The JSON value of a request body; BadRequest when it is not UTF-8 JSON."""
    try:
        text = body.decode('utf-8')
    except UnicodeDecodeError:
        raise BadRequest('the body is not UTF-8 text') from None
    try:
        payload = json.loads(text, parse_constant=_not_json_constant)
    except RecursionError:
        raise BadRequest('the body is not valid JSON: it is nested too deeply') from None
    except ValueError:
        raise BadRequest('the body is not valid JSON') from None
    # Escapes that decode to half a surrogate pair give strings no UTF-8 encoder (nor the rulebook) accepts.
    if SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(payload):
        raise BadRequest('the body is not valid JSON text: it escapes a lone surrogate (\\ud800 to \\udfff without its pair)')
    return payload


def received_items(payload):
    """The received events of a decoded body: one object, or a list of them."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        return [payload]
    raise BadRequest('the body must be a JSON object (one event) or a list of them, not %s' % json_type_name(payload))


def to_events(items):
    """Every event of a batch, all valid or BadRequest."""
    batch = len(items) > 1
    try:
        return [to_event(item, position if batch else None) for position, item in enumerate(items, start=1)]
    except RecursionError:
        raise BadRequest('an event is nested too deeply') from None


def parse_events(body):
    """Every event of a request body (one object or a list of them), all valid or BadRequest."""
    return to_events(received_items(decode_payload(body)))


def _same(given, expected):
    # surrogatepass: a str that came from odd header bytes must compare unequal, never raise.
    return hmac.compare_digest(given.encode('utf-8', 'surrogatepass'), expected.encode('utf-8', 'surrogatepass'))


def given(value):
    """An option's value, or None when it is unset or empty.

    AAP's credential types inject an empty string for a field left blank, so empty must mean "not set",
    never "a credential that is empty".
    """
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _flag(args, name):
    value = args.get(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in ('true', 'yes', 'on', '1'):
        return True
    if text in ('false', 'no', 'off', '0', ''):
        return False
    raise ValueError('turbosmtp.api.webhook: %s must be true or false, not %r' % (name, value))


class Authenticator:
    """Checks the Authorization header against the configured Basic credentials and/or bearer token."""

    def __init__(self, username=None, password=None, token=None, allow_anonymous=False):
        username, password, token = given(username), given(password), given(token)
        if bool(username) != bool(password):
            raise ValueError('turbosmtp.api.webhook: username and password must be set together (%s is empty or not set)'
                             % ('password' if username else 'username'))
        if not (token or username) and not allow_anonymous:
            raise ValueError('turbosmtp.api.webhook: no credential is set, so anyone could post events: set token, or '
                             'username and password (empty values count as not set); to accept calls without '
                             'credentials anyway (unsafe), set allow_anonymous: true')
        self.username = username
        self.password = password
        self.token = token

    @property
    def required(self):
        return bool(self.token or self.username)

    def allows(self, header):
        if not self.required:
            return True
        header = header or ''
        # Both schemes carry ASCII only (Basic credentials are base64); anything else is not a credential.
        if not header.isascii():
            return False
        scheme, _sep, credentials = header.strip().partition(' ')
        scheme, credentials = scheme.lower(), credentials.strip()
        if scheme == 'bearer' and self.token:
            return _same(credentials, self.token)
        if scheme == 'basic' and self.username:
            try:
                decoded = base64.b64decode(credentials, validate=True).decode('utf-8')
            except (binascii.Error, ValueError):
                return False
            username, _sep, password = decoded.partition(':')
            # Both comparisons always run, so timing does not tell which part was wrong.
            user_ok = _same(username, self.username)
            password_ok = _same(password, self.password)
            return user_ok and password_ok
        return False


def _answer(http_status, headers=None, **body):
    return web.json_response(body, status=http_status, headers=headers)


def _refuse(http_status, error, headers=None):
    return _answer(http_status, headers=headers, status='rejected', error=error)


async def _read_body(request, limit):
    """The request body, or None when it is larger than limit (read no further than that)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_chunked(READ_CHUNK):
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)


class Limits:
    """The checked option values that bound what one client, or all of them, can make the source hold."""

    def __init__(self, max_body_bytes=DEFAULT_MAX_BODY_BYTES, read_timeout=DEFAULT_READ_TIMEOUT,
                 max_events=DEFAULT_MAX_EVENTS, max_pending=DEFAULT_MAX_PENDING, duplicate_window=DEFAULT_DUPLICATE_WINDOW):
        self.max_body_bytes = max_body_bytes
        self.read_timeout = read_timeout
        self.max_events = max_events
        self.max_pending = max_pending
        self.duplicate_window = duplicate_window


def event_identity(event):
    """What makes two deliveries the same event: turboSMTP's id with the status; None without an id."""
    raw_id = event['raw'].get('id')
    if raw_id is None:
        return None
    if not isinstance(raw_id, str):
        try:
            raw_id = json.dumps(raw_id, sort_keys=True)
        except (TypeError, ValueError, RecursionError):
            return None
    return raw_id, event['status']


class DeliveredEvents:
    """The identities of the last `size` accepted events, to drop a delivery turboSMTP repeats."""

    def __init__(self, size):
        self.size = size
        self.identities = OrderedDict()

    def claim(self, events):
        """(the events not seen before, now remembered; how many were duplicates)."""
        if not self.size:
            return events, 0
        fresh = []
        for event in events:
            identity = event_identity(event)
            if identity is not None:
                if identity in self.identities:
                    continue
                self.identities[identity] = True
                while len(self.identities) > self.size:
                    self.identities.popitem(last=False)
            fresh.append(event)
        return fresh, len(events) - len(fresh)

    def forget(self, events):
        """Events that were claimed but never reached the rulebook: a later delivery must not be dropped."""
        for event in events:
            identity = event_identity(event)
            if identity is not None:
                self.identities.pop(identity, None)


class Backlog:
    """Counts the events accepted but not yet taken by the rulebook, and refuses a batch that would pass max_pending.

    ansible-rulebook hands sources a queue of one item (asyncio.Queue(1) behind a filter wrapper that only has
    put()), so accepted events mostly wait in the handlers' queue.put() calls, where the queue cannot count them.
    A plain asyncio.Queue, when one is given, holds them itself; its qsize() counts too.
    """

    def __init__(self, queue, max_pending):
        self.queue = queue
        self.max_pending = max_pending
        self.handing_over = 0
        self.refusing = False

    def waiting(self):
        qsize = getattr(self.queue, 'qsize', None)
        return self.handing_over + (qsize() if callable(qsize) else 0)

    def admits(self, count):
        """Whether count more events fit; logs when refusals start and stop rather than once per request."""
        fits = self.waiting() + count <= self.max_pending
        if not fits and not self.refusing:
            LOGGER.warning('turbosmtp.api.webhook: the rulebook is not keeping up (%d events waiting); answering 503 until it catches up',
                           self.waiting())
        elif fits and self.refusing:
            LOGGER.info('turbosmtp.api.webhook: the rulebook caught up; accepting events again')
        self.refusing = not fits
        return fits

    async def hand_over(self, events, on_not_taken=None):
        # Counted before the first await, so that requests arriving meanwhile see these events as waiting.
        self.handing_over += len(events)
        taken = 0
        try:
            for event in events:
                await self.queue.put(event)
                self.handing_over -= 1
                taken += 1
        finally:
            # Only on cancellation (the rulebook stopping) are some left; they no longer wait.
            self.handing_over -= len(events) - taken
            if taken < len(events) and on_not_taken is not None:
                on_not_taken(events[taken:])


def _closing(response):
    """The response, with the connection closed once it is sent: the unread rest of the body is never drained."""
    response.force_close()
    return response


async def _received_events(request, limits):
    """(the request's events, None), or (None, the response that refuses them)."""
    try:
        body = await asyncio.wait_for(_read_body(request, limits.max_body_bytes), limits.read_timeout)
    except asyncio.TimeoutError:
        LOGGER.warning('turbosmtp.api.webhook: dropped a request from %s whose body did not arrive within %g seconds',
                       request.remote, limits.read_timeout)
        return None, _closing(_refuse(408, 'the body did not arrive within %g seconds' % limits.read_timeout))
    except web.RequestPayloadError:
        # The rest of the stream cannot be parsed either, so the connection cannot serve another request.
        return None, _closing(_refuse(400, 'the body could not be read: its chunked or compressed encoding is broken'))
    if body is None:
        return None, _closing(_refuse(413, 'the body is larger than %d bytes' % limits.max_body_bytes))
    try:
        items = received_items(decode_payload(body))
        if len(items) > limits.max_events:
            return None, _refuse(413, 'the batch has %d events, more than the %d a request may carry' % (len(items), limits.max_events))
        return to_events(items), None
    except BadRequest as error:
        return None, _refuse(400, str(error))


def make_app(queue, authenticator, limits):
    backlog = Backlog(queue, limits.max_pending)
    delivered = DeliveredEvents(limits.duplicate_window)

    async def receive(request):
        if not authenticator.allows(request.headers.get('Authorization')):
            LOGGER.warning('turbosmtp.api.webhook: rejected a request from %s with missing or wrong credentials', request.remote)
            return _closing(web.json_response({'status': 'unauthorized'}, status=401, headers={'WWW-Authenticate': 'Basic realm="turbosmtp"'}))
        events, refusal = await _received_events(request, limits)
        if refusal is not None:
            return refusal
        # Claimed before the first await, so that a retry arriving while these wait for the rulebook is dropped too.
        fresh, duplicates = delivered.claim(events)
        if not backlog.admits(len(fresh)):
            delivered.forget(fresh)
            return _refuse(503, 'too many events are waiting for the rulebook; retry later',
                           headers={'Retry-After': str(RETRY_AFTER_SECONDS)})
        if duplicates:
            LOGGER.info('turbosmtp.api.webhook: dropped %d event(s) from %s already delivered (same id and status)',
                        duplicates, request.remote)
        # As before, 200 means the rulebook has every event: the answer waits until the queue took the last one.
        await backlog.hand_over(fresh, on_not_taken=delivered.forget)
        if duplicates:
            return _answer(200, status='accepted', events=len(fresh), duplicates=duplicates)
        return _answer(200, status='accepted', events=len(fresh))

    @web.middleware
    async def never_500(request, handler):
        """A last guard: an unforeseen failure is logged in one line and answered 400, never a 500 with a traceback."""
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception as error:  # pylint: disable=broad-except
            LOGGER.warning('turbosmtp.api.webhook: could not process a request from %s (%s)', request.remote, type(error).__name__)
            return _refuse(400, 'the request could not be processed')

    # The client_max_size guard is ours (_read_body), so aiohttp's own limit only needs to stay out of the way.
    app = web.Application(client_max_size=limits.max_body_bytes + 1, middlewares=[never_500])
    app.router.add_route('POST', '/{tail:.*}', receive)
    return app


def _whole_number(args, name, default, minimum, maximum=None):
    value = args.get(name)
    if value is None:
        return default
    text = str(value).strip()
    # isascii(): str.isdigit() also accepts digits such as '²' that int() refuses.
    if isinstance(value, bool) or not (isinstance(value, int) or (text.isascii() and text.isdigit())) or int(text) < minimum or (
            maximum is not None and int(text) > maximum):
        upper = '' if maximum is None else ' and at most %d' % maximum
        raise ValueError('turbosmtp.api.webhook: %s must be a whole number of at least %d%s, not %r' % (name, minimum, upper, value))
    return int(text)


def _seconds(args, name, default):
    value = args.get(name)
    if value is None:
        return default
    try:
        seconds = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError('turbosmtp.api.webhook: %s must be a number of seconds greater than 0, not %r' % (name, value))
    return seconds


def read_settings(args):
    """The port and Limits of the source's arguments; ValueError naming the option when a value cannot work."""
    if args.get('port') is None:
        raise ValueError('turbosmtp.api.webhook: port is required')
    port = _whole_number(args, 'port', None, 1, 65535)
    limits = Limits(
        max_body_bytes=_whole_number(args, 'max_body_bytes', DEFAULT_MAX_BODY_BYTES, 1),
        read_timeout=_seconds(args, 'read_timeout', DEFAULT_READ_TIMEOUT),
        max_events=_whole_number(args, 'max_events', DEFAULT_MAX_EVENTS, 1),
        max_pending=_whole_number(args, 'max_pending', DEFAULT_MAX_PENDING, 1),
        duplicate_window=_whole_number(args, 'duplicate_window', DEFAULT_DUPLICATE_WINDOW, 0),
    )
    if limits.max_pending < limits.max_events:
        raise ValueError('turbosmtp.api.webhook: max_pending (%d) must be at least max_events (%d), or a full batch could never be queued'
                         % (limits.max_pending, limits.max_events))
    return port, limits


def ssl_context(certfile=None, keyfile=None):
    certfile, keyfile = given(certfile), given(keyfile)
    if keyfile and not certfile:
        raise ValueError('turbosmtp.api.webhook: keyfile requires certfile')
    if not certfile:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


async def main(queue, args):
    """Serve until cancelled; every accepted turboSMTP event is put on queue."""
    port, limits = read_settings(args)
    host = args.get('host') or DEFAULT_HOST
    authenticator = Authenticator(args.get('username'), args.get('password'), args.get('token'),
                                  allow_anonymous=_flag(args, 'allow_anonymous'))
    SECRET_MASK.remember(authenticator.token, authenticator.password)
    context = ssl_context(args.get('certfile'), args.get('keyfile'))
    if not authenticator.required:
        LOGGER.warning('turbosmtp.api.webhook: allow_anonymous is set and no credential is: anyone who reaches port %d '
                       'can post events', port)

    # aiohttp closes a connection whose request headers are not complete keepalive_timeout seconds after it
    # opened (or after the previous answer), which also ends idle keep-alive connections; the body has its own
    # deadline in receive(). lingering_time=0: after an answer that leaves the body unread (401, 413) the
    # connection is closed at once; draining it would let an unauthenticated client push data for read_timeout.
    runner = web.AppRunner(make_app(queue, authenticator, limits), access_log=None,
                           keepalive_timeout=limits.read_timeout, lingering_time=0,
                           logger=HTTP_LOGGER)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, ssl_context=context)
        await site.start()
        LOGGER.info('turbosmtp.api.webhook: listening on %s://%s:%d', 'https' if context else 'http', host, port)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == '__main__':
    # Try it by hand: python webhook.py, then POST events to http://127.0.0.1:5000/.

    class MockQueue(asyncio.Queue):
        async def put(self, item):
            print(json.dumps(item, indent=2))

    asyncio.run(main(MockQueue(), {'host': '127.0.0.1', 'port': 5000, 'allow_anonymous': True}))
