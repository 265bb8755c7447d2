# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Receive turboSMTP webhook events
description:
  - An ansible-rulebook event source that listens for turboSMTP webhook calls (configured in the
    turboSMTP dashboard) and puts one event on the queue for every delivery or engagement event.
  - Accepts C(POST) on any path with a JSON body that is one event object or a list of them (turboSMTP
    may batch events). A batch is all or nothing - if any item is not an object with a C(status), the
    request is answered C(400) and no event of it reaches the rulebook.
  - Every event has C(status) (upper case, for example C(BOUNCED), C(DELIVERED), C(OPENED)), C(email),
    C(mid) (a string - mids exceed the precision of JSON numbers in many tools), C(timestamp) (ISO 8601,
    UTC, from the Unix seconds turboSMTP sends; null when absent), C(reason) (text - the C(response) of the
    object turboSMTP sends on C(BOUNCED) and C(DROPPED), the string it sends on C(DEFERRED), else null) and
    C(raw) (the event exactly as received).
  - These fields are copied from the received event when present - C(id), C(subject), C(attempt), C(url),
    C(useragent), C(ip), C(reference_id).
  - turboSMTP does not sign webhook calls. Protect the endpoint with O(username) and O(password) (put them
    in the callback URL, C(https://user:pass@host:port/)) or a bearer O(token), and with TLS. A request
    with missing or wrong credentials is answered C(401); a body larger than O(max_body_bytes) C(413);
    a body that is not JSON, or an event without C(status), C(400). Accepted calls get C(200) with
    C({"status": "accepted", "events": N}).
version_added: 1.0.0
author:
  - turbosmtp.api contributors (@turbosmtp)
options:
  host:
    description: The address to listen on.
    type: str
    default: 0.0.0.0
  port:
    description: The TCP port to listen on.
    type: int
    required: true
  username:
    description: User name that HTTP Basic authentication requires. Requires O(password).
    type: str
  password:
    description: Password that HTTP Basic authentication requires. Requires O(username).
    type: str
  token:
    description:
      - Token that an C(Authorization: Bearer <token>) header must carry.
      - When both O(token) and O(username)/O(password) are set, either is accepted.
    type: str
  certfile:
    description: Path to a PEM certificate (chain) to serve HTTPS with.
    type: str
  keyfile:
    description: Path to the PEM private key of O(certfile), when the key is not in that file. Requires O(certfile).
    type: str
  max_body_bytes:
    description: Largest accepted request body, in bytes.
    type: int
    default: 1048576
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
import ssl
from datetime import datetime, timezone

from aiohttp import web

LOGGER = logging.getLogger(__name__)

DEFAULT_HOST = '0.0.0.0'
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
READ_CHUNK = 64 * 1024
# Optional fields of turboSMTP events that rules commonly need, copied to the top of the event.
PASSED_THROUGH = ('id', 'subject', 'attempt', 'url', 'useragent', 'ip', 'reference_id')


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
    if reason is None:
        return None
    if isinstance(reason, dict):
        for key in ('response', '0'):
            if reason.get(key) not in (None, ''):
                return reason_text(reason[key])
        return None
    if isinstance(reason, str):
        return reason
    return json.dumps(reason, sort_keys=True)


def to_event(item):
    """The rulebook event of one received turboSMTP event; raises BadRequest if it is not one."""
    if not isinstance(item, dict):
        raise BadRequest('every event must be a JSON object')
    status = item.get('status')
    if not isinstance(status, str) or not status.strip():
        raise BadRequest('every event needs a "status"')
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


def parse_events(body):
    """Every event of a request body (one object or a list of them), all valid or BadRequest."""
    try:
        payload = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest('the body is not valid JSON')
    items = payload if isinstance(payload, list) else [payload]
    return [to_event(item) for item in items]


def _same(given, expected):
    return hmac.compare_digest(given.encode('utf-8'), expected.encode('utf-8'))


class Authenticator:
    """Checks the Authorization header against the configured Basic credentials and/or bearer token."""

    def __init__(self, username=None, password=None, token=None):
        if bool(username) != bool(password):
            raise ValueError('turbosmtp.api.webhook: username and password must be set together')
        self.username = username
        self.password = password
        self.token = token

    @property
    def required(self):
        return bool(self.token or self.username)

    def allows(self, header):
        if not self.required:
            return True
        scheme, _sep, credentials = (header or '').strip().partition(' ')
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


def _answer(http_status, **body):
    return web.json_response(body, status=http_status)


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


def make_app(queue, authenticator, max_body_bytes):
    async def receive(request):
        if not authenticator.allows(request.headers.get('Authorization')):
            LOGGER.warning('turbosmtp.api.webhook: rejected a request from %s with missing or wrong credentials', request.remote)
            return web.json_response({'status': 'unauthorized'}, status=401, headers={'WWW-Authenticate': 'Basic realm="turbosmtp"'})
        body = await _read_body(request, max_body_bytes)
        if body is None:
            return _answer(413, status='rejected', error='the body is larger than %d bytes' % max_body_bytes)
        try:
            events = parse_events(body)
        except BadRequest as error:
            return _answer(400, status='rejected', error=str(error))
        for event in events:
            await queue.put(event)
        return _answer(200, status='accepted', events=len(events))

    # The client_max_size guard is ours (_read_body), so aiohttp's own limit only needs to stay out of the way.
    app = web.Application(client_max_size=max_body_bytes + 1)
    app.router.add_route('POST', '/{tail:.*}', receive)
    return app


def ssl_context(certfile=None, keyfile=None):
    if keyfile and not certfile:
        raise ValueError('turbosmtp.api.webhook: keyfile requires certfile')
    if not certfile:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


async def main(queue, args):
    """Serve until cancelled; every accepted turboSMTP event is put on queue."""
    if args.get('port') is None:
        raise ValueError('turbosmtp.api.webhook: port is required')
    port = int(args['port'])
    host = args.get('host') or DEFAULT_HOST
    max_body_bytes = int(args.get('max_body_bytes') or DEFAULT_MAX_BODY_BYTES)
    authenticator = Authenticator(args.get('username'), args.get('password'), args.get('token'))
    context = ssl_context(args.get('certfile'), args.get('keyfile'))

    runner = web.AppRunner(make_app(queue, authenticator, max_body_bytes), access_log=None)
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

    asyncio.run(main(MockQueue(), {'host': '127.0.0.1', 'port': 5000}))
