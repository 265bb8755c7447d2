"""turbosmtp.api.webhook: real HTTP requests (or raw sockets, for what an HTTP client would not send) to the
running source, and what reached the queue; its documentation, and how ansible-rulebook loads it."""

import asyncio
import base64
import concurrent.futures
import http.client
import json
import logging
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.turbosmtp.api.extensions.eda.plugins.event_source import webhook

BOUNCE = {
    'id': 91, 'mid': 1475205839938715648, 'status': 'BOUNCED', 'email': 'anna.rossi@example.com',
    'subject': 'Invoice available', 'timestamp': 1767225600,
    'reason': {'0': 'hard', 'response': '550 5.1.1 <anna.rossi@example.com>: User unknown'},
}


DEFERRED = {'id': 92, 'mid': '1475205839938715649', 'status': 'DEFERRED', 'email': 'luca.bruno@example.org',
            'subject': None, 'timestamp': '1767225601', 'reason': '421 4.7.0 Try again later', 'attempt': 2}


CLICKED = {'id': 93, 'mid': 7, 'status': 'clicked', 'email': 'sara.greco@example.net', 'subject': 'Spring sale',
           'timestamp': 1767225602, 'url': 'https://shop.example/sale', 'useragent': 'Mozilla/5.0', 'ip': '192.0.2.7'}


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


async def wait_listening(port, task):
    for _attempt in range(200):
        if task.done():
            task.result()
        try:
            _reader, writer = await asyncio.open_connection('127.0.0.1', port)
        except OSError:
            await asyncio.sleep(0.02)
            continue
        writer.close()
        return
    raise AssertionError('the webhook source never listened on port %d' % port)


class Source:
    """The source running as a task (as ansible-rulebook runs it), and an HTTP client to call it."""

    def __init__(self, queue, task, port, url, session):
        self.queue, self.task, self.port, self.url, self.session = queue, task, port, url, session

    async def post(self, path='/', url=None, **kwargs):
        async with self.session.post((url or self.url) + path, **kwargs) as response:
            return response.status, await response.json(content_type=None)

    def drain(self):
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        return events


@pytest_asyncio.fixture
async def source():
    """source(**args) starts the source as ansible-rulebook does; at the end it is cancelled and must free its port."""
    running = []

    async def start(scheme='http', ssl_client=None, queue=None, **args):
        # The tests about what the source does with a body call it without credentials, which must be asked for.
        if not any(args.get(name) for name in ('token', 'username', 'password')):
            args.setdefault('allow_anonymous', True)
        port = free_port()
        queue = asyncio.Queue() if queue is None else queue
        task = asyncio.create_task(webhook.main(queue, dict(args, host='127.0.0.1', port=port)))
        await wait_listening(port, task)
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ssl_client) if ssl_client else None)
        running.append(Source(queue, task, port, '%s://127.0.0.1:%d' % (scheme, port), session))
        return running[-1]

    yield start
    for item in running:
        await item.session.close()
        item.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await item.task
        # A listener still there would make this fail even with SO_REUSEADDR (which only forgives TIME_WAIT).
        with socket.socket() as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(('127.0.0.1', item.port))


def basic(user, password):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


# Generous bound for a connection that read_timeout must end; it only has to be far above read_timeout.
CLOSE_BOUND = 10


SMALL_TIMEOUT = 0.5


OPENED = {'status': 'OPENED', 'email': 'anna.rossi@example.com', 'mid': 1}


def request_bytes(body, headers=()):
    """A complete HTTP/1.1 POST of body, with extra header lines given as bytes."""
    lines = [b'POST /hook HTTP/1.1', b'Host: 127.0.0.1', b'Content-Type: application/json',
             b'Content-Length: %d' % len(body)] + list(headers)
    return b'\r\n'.join(lines) + b'\r\n\r\n' + body


async def connect(running):
    return await asyncio.open_connection('127.0.0.1', running.port)


async def closed_by_server(reader):
    """Everything the server sent until it closed the connection; fails if it is still open after CLOSE_BOUND."""
    try:
        return await asyncio.wait_for(reader.read(), CLOSE_BOUND)
    except asyncio.TimeoutError:
        raise AssertionError('the source still holds the connection after %d seconds' % CLOSE_BOUND) from None


async def exchange(running, data):
    """Sends raw bytes on a new connection; the status code and JSON body of the answer."""
    reader, writer = await connect(running)
    writer.write(data)
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b'\r\n\r\n'), CLOSE_BOUND)
    status = int(head.split(b' ', 2)[1])
    length = int([line.split(b':', 1)[1] for line in head.split(b'\r\n') if line.lower().startswith(b'content-length:')][0])
    body = await asyncio.wait_for(reader.readexactly(length), CLOSE_BOUND)
    writer.close()
    return status, json.loads(body)


async def post(running, **kwargs):
    """status, JSON answer and headers of a POST made with aiohttp."""
    async with running.session.post(running.url + '/hook', **kwargs) as response:
        return response.status, await response.json(content_type=None), response.headers


async def still_serves(running, **kwargs):
    status, answer, _headers = await post(running, json=OPENED, **kwargs)
    assert (status, answer) == (200, {'status': 'accepted', 'events': 1})
    assert running.drain()[-1]['email'] == 'anna.rossi@example.com'


class RulebookQueue:
    """The queue ansible-rulebook hands a source: asyncio.Queue(1) (app.py) behind engine.FilteredQueue, which has
    only put() - no qsize() - so the source cannot see how many events wait."""

    def __init__(self):
        self.taken = asyncio.Queue(1)

    async def put(self, data):
        await self.taken.put(data)


async def until(condition):
    for _attempt in range(CLOSE_BOUND * 50):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError('never happened')


TOKEN = 't0ken'


BEARER_TOKEN = b'Bearer ' + TOKEN.encode()


MAX_EVENTS = 5


MAX_PENDING = 1000000


STARTUP_BOUND = 10


class ThreadedSource:
    """The source on its own event loop in a thread, so synchronous Hypothesis tests can call it."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            self.port = probe.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.queue = asyncio.Queue()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        args = {'host': '127.0.0.1', 'port': self.port, 'token': TOKEN, 'max_events': MAX_EVENTS,
                'max_pending': MAX_PENDING, 'max_body_bytes': 100000, 'read_timeout': 5}
        self.future = asyncio.run_coroutine_threadsafe(webhook.main(self.queue, args), self.loop)
        self._wait_listening()

    def _wait_listening(self):
        for _attempt in range(STARTUP_BOUND * 50):
            if self.future.done():
                self.future.result()
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                return
            except OSError:
                threading.Event().wait(0.02)
        raise AssertionError('the webhook source never listened on port %d' % self.port)

    def post(self, body, authorization=BEARER_TOKEN):
        connection = http.client.HTTPConnection('127.0.0.1', self.port, timeout=STARTUP_BOUND)
        try:
            connection.putrequest('POST', '/hook')
            connection.putheader('Content-Type', 'application/json')
            connection.putheader('Content-Length', str(len(body)))
            connection.putheader('Authorization', authorization)
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def drain(self):
        async def take_all():
            events = []
            while not self.queue.empty():
                events.append(self.queue.get_nowait())
            return events
        return asyncio.run_coroutine_threadsafe(take_all(), self.loop).result(STARTUP_BOUND)

    def stop(self):
        self.loop.call_soon_threadsafe(self.future.cancel)
        with pytest.raises(concurrent.futures.CancelledError):
            self.future.result(STARTUP_BOUND)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(STARTUP_BOUND)


@pytest.fixture(scope='module')
def threaded_source():
    running = ThreadedSource()
    yield running
    running.stop()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


event_like = st.fixed_dictionaries(
    {'status': json_values},
    optional={name: json_values for name in ('mid', 'email', 'timestamp', 'reason', 'subject', 'attempt', 'url')},
)


bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    event_like.map(lambda value: json.dumps(value).encode()),
    st.lists(event_like, max_size=MAX_EVENTS + 2).map(lambda value: json.dumps(value).encode()),
    st.text(max_size=60).map(lambda value: value.encode('utf-8', 'surrogatepass')),
    # Deeper than the JSON parser's recursion limit.
    st.integers(min_value=1, max_value=20000).map(lambda depth: b'[' * depth + b']' * depth),
    st.integers(min_value=1, max_value=20000).map(lambda depth: b'{"reason": ' * depth + b'1' + b'}' * depth),
)


# Header bytes that http.client lets through: any but the line breaks that would end the header.
header_bytes = st.binary(max_size=40).filter(lambda value: b'\r' not in value and b'\n' not in value)


header_values = st.one_of(header_bytes, *(header_bytes.map(lambda value, scheme=scheme: scheme + value)
                                          for scheme in (b'Bearer ', b'Basic ', b'Bearer t0ken')))


SOURCE_DIR = Path(webhook.__file__).resolve().parent


BOUND = 120


def documentation():
    return yaml.safe_load(webhook.DOCUMENTATION)


def descriptions(options, where='options'):
    for name, spec in options.items():
        yield '%s.%s' % (where, name), spec.get('description')
        yield from descriptions(spec.get('suboptions') or {}, '%s.%s' % (where, name))


def is_text(description):
    return isinstance(description, str) or (
        isinstance(description, list) and bool(description) and all(isinstance(line, str) for line in description))


LOAD_ALONE = r'''
import asyncio, json, runpy, sys

module = runpy.run_path(sys.argv[1])
loaded = sorted(name for name in sys.modules if name.startswith('ansible'))

async def call(port):
    queue = asyncio.Queue()
    task = asyncio.create_task(module['main'](queue, {'host': '127.0.0.1', 'port': port, 'allow_anonymous': True}))
    for _attempt in range(200):
        try:
            reader, writer = await asyncio.open_connection('127.0.0.1', port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    body = b'{"status": "bounced", "mid": 1}'
    writer.write(b'POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
    answer = (await reader.read()).split(b'\r\n', 1)[0].decode()
    task.cancel()
    return answer, queue.get_nowait()['status']

print(json.dumps({'loaded': loaded, 'answer': asyncio.run(call(int(sys.argv[2])))}))
'''


class TestEvents:
    """What a turboSMTP call becomes on the queue, and the bodies that are refused whole."""

    @pytest.mark.asyncio
    async def test_single_event_is_normalised(self, source):
        running = await source()
        status, answer = await running.post('/turbosmtp/hook', json=BOUNCE)
        assert (status, answer) == (200, {'status': 'accepted', 'events': 1})
        [event] = running.drain()
        assert event['status'] == 'BOUNCED'
        assert event['email'] == 'anna.rossi@example.com'
        assert event['mid'] == '1475205839938715648'
        assert event['timestamp'] == '2026-01-01T00:00:00Z'
        assert event['reason'] == '550 5.1.1 <anna.rossi@example.com>: User unknown'
        assert event['subject'] == 'Invoice available'
        assert event['raw'] == BOUNCE

    @pytest.mark.asyncio
    async def test_batched_events_arrive_in_order_with_reasons_normalised(self, source):
        running = await source()
        status, answer = await running.post(json=[BOUNCE, DEFERRED, CLICKED])
        assert (status, answer['events']) == (200, 3)
        bounce, deferred, clicked = running.drain()
        assert bounce['mid'] == '1475205839938715648'
        assert (deferred['reason'], deferred['attempt'], deferred['timestamp']) == ('421 4.7.0 Try again later', 2, '2026-01-01T00:00:01Z')
        assert deferred['mid'] == '1475205839938715649'
        assert clicked['status'] == 'CLICKED'
        assert clicked['reason'] is None
        assert (clicked['url'], clicked['ip'], clicked['mid']) == ('https://shop.example/sale', '192.0.2.7', '7')
        assert 'attempt' not in clicked

    @pytest.mark.parametrize('reason, text', [
        ({'0': 'drop', 'response': None}, 'drop'),
        ({}, None),
        (['a', 1], '["a", 1]'),
        ('', ''),
    ])
    def test_reason_text_edge_cases(self, reason, text):
        assert webhook.reason_text(reason) == text

    @pytest.mark.parametrize('value, text', [
        (None, None), ('soon', None), (True, None), (1767225600.25, '2026-01-01T00:00:00.250Z'), (10 ** 20, None),
    ])
    def test_timestamp_edge_cases(self, value, text):
        assert webhook.iso_timestamp(value) == text

    @pytest.mark.parametrize('body', [b'{"status": "BOUNCED"', b'not json', b'\xff\xfe', b'"BOUNCED"', b'{"email": "a@example.com"}',
                                      b'[{"status": "OPENED"}, {"status": ""}]', b'[{"status": "OPENED"}, 5]'])
    @pytest.mark.asyncio
    async def test_malformed_payloads_are_rejected_and_nothing_is_queued(self, source, body):
        running = await source()
        status, answer = await running.post(data=body, headers={'Content-Type': 'application/json'})
        assert status == 400
        assert answer['status'] == 'rejected'
        assert running.drain() == []

    @pytest.mark.asyncio
    async def test_only_post_is_accepted(self, source):
        running = await source()
        async with running.session.get(running.url + '/') as response:
            assert response.status == 405
        assert running.drain() == []

    @pytest.mark.parametrize('body, error', [
        (b'\xff\xfe{"status": "OPENED"}', 'the body is not UTF-8 text'),
        (b'{"status": "OPENED", "email": "\xe9@example.com"}', 'the body is not UTF-8 text'),
        (b'42', 'the body must be a JSON object (one event) or a list of them, not a number'),
        (b'"BOUNCED"', 'the body must be a JSON object (one event) or a list of them, not a string'),
        (b'null', 'the body must be a JSON object (one event) or a list of them, not null'),
        (b'true', 'the body must be a JSON object (one event) or a list of them, not a boolean'),
        (b'[7]', 'the event is a number, not a JSON object'),
        (b'[[{"status": "OPENED"}]]', 'the event is a list, not a JSON object'),
        (b'[{"status": "OPENED"}, null]', 'event 2 of the batch is null, not a JSON object'),
        (b'[{"status": "OPENED"}, {"status": 5}]', 'event 2 of the batch needs a "status" that is a non-empty string'),
        (b'', 'the body is not valid JSON'),
    ])
    @pytest.mark.asyncio
    async def test_bodies_that_are_not_events_are_400_with_a_clear_message(self, source, body, error):
        running = await source()
        status, answer, _headers = await post(running, data=body, headers={'Content-Type': 'application/json'})
        assert (status, answer) == (400, {'status': 'rejected', 'error': error})
        assert running.drain() == []

    @pytest.mark.parametrize('body', [b'[' * 100000 + b']' * 100000, b'{"a": ' * 100000 + b'1' + b'}' * 100000],
                             ids=['lists', 'objects'])
    @pytest.mark.asyncio
    async def test_json_nested_100000_levels_is_400(self, source, body):
        running = await source(max_body_bytes=len(body))
        status, answer, _headers = await post(running, data=body, headers={'Content-Type': 'application/json'})
        assert status == 400
        assert answer['error'] == 'the body is not valid JSON: it is nested too deeply'
        assert running.drain() == []
        await still_serves(running)

    @pytest.mark.asyncio
    async def test_a_reason_nested_as_deep_as_json_allows_is_still_one_line_of_text(self, source):
        running = await source()
        depth = 900
        reason = '{"response": ' * depth + '"550 user unknown"' + '}' * depth
        body = ('{"status": "BOUNCED", "reason": %s}' % reason).encode()
        status, _answer, _headers = await post(running, data=body, headers={'Content-Type': 'application/json'})
        assert status == 200
        assert running.drain()[0]['reason'] == '550 user unknown'

    @pytest.mark.asyncio
    async def test_a_broken_compressed_body_is_400(self, source):
        running = await source()
        status, answer, _headers = await post(running, data=b'not gzip at all', headers={'Content-Encoding': 'gzip'})
        assert status == 400
        assert 'encoding is broken' in answer['error']
        assert running.drain() == []
        await still_serves(running)


class TestAuthentication:
    """Basic credentials and bearer tokens, and the headers that carry neither."""

    @pytest.mark.asyncio
    async def test_basic_auth(self, source):
        running = await source(username='turbosmtp', password='hook-secret')
        for headers in ({}, {'Authorization': basic('turbosmtp', 'wrong')}, {'Authorization': basic('other', 'hook-secret')},
                        {'Authorization': 'Basic %%%'}, {'Authorization': 'Bearer hook-secret'}):
            status, answer = await running.post(json=BOUNCE, headers=headers)
            assert status == 401, headers
        assert running.drain() == []
        status, _answer = await running.post(json=BOUNCE, headers={'Authorization': basic('turbosmtp', 'hook-secret')})
        assert status == 200
        assert len(running.drain()) == 1

    @pytest.mark.asyncio
    async def test_credentials_in_the_url_work_like_turbosmtp_sends_them(self, source):
        running = await source(username='turbosmtp', password='p:ss')
        url = running.url.replace('://', '://turbosmtp:p%3Ass@') + '/'
        async with running.session.post(url, json=[BOUNCE, CLICKED]) as response:
            assert response.status == 200
        assert len(running.drain()) == 2

    @pytest.mark.asyncio
    async def test_bearer_token(self, source):
        running = await source(token='t0ken')
        for headers in ({}, {'Authorization': 'Bearer wrong'}, {'Authorization': 'Bearer '}, {'Authorization': basic('t0ken', 't0ken')}):
            status, _answer = await running.post(json=BOUNCE, headers=headers)
            assert status == 401, headers
        assert running.drain() == []
        status, _answer = await running.post(json=BOUNCE, headers={'Authorization': 'Bearer t0ken'})
        assert status == 200
        assert len(running.drain()) == 1

    @pytest.mark.asyncio
    async def test_unauthenticated_large_body_is_refused_as_unauthorized(self, source):
        running = await source(token='t0ken', max_body_bytes=100)
        status, _answer = await running.post(data=b'x' * 1000)
        assert status == 401

    def test_half_configured_credentials_are_refused(self):
        with pytest.raises(ValueError, match='together'):
            asyncio.run(webhook.main(asyncio.Queue(), {'port': free_port(), 'username': 'only-user'}))
        with pytest.raises(ValueError, match='port'):
            asyncio.run(webhook.main(asyncio.Queue(), {}))

    @pytest.mark.parametrize('authorization', [
        b'Bearer \xc3\xa9t0ken', b'Bearer t0ken\xff', b'\xff\xfe', b'Basic \xe2\x82\xac',
    ])
    @pytest.mark.asyncio
    async def test_authorization_bytes_that_are_not_ascii_are_401(self, source, authorization):
        running = await source(token='t0ken', username='turbosmtp', password='hook-secret')
        status, answer = await exchange(running, request_bytes(json.dumps(OPENED).encode(), [b'Authorization: ' + authorization]))
        assert (status, answer) == (401, {'status': 'unauthorized'})
        assert running.drain() == []
        status, _answer = await exchange(running, request_bytes(json.dumps(OPENED).encode(), [b'Authorization: Bearer t0ken']))
        assert status == 200

    @pytest.mark.asyncio
    async def test_basic_credentials_with_utf8_password_still_work(self, source):
        running = await source(username='turbosmtp', password='pässwörd')
        credentials = base64.b64encode('turbosmtp:pässwörd'.encode()).decode()
        status, _answer, _headers = await post(running, json=OPENED, headers={'Authorization': 'Basic ' + credentials})
        assert status == 200

    @pytest.mark.asyncio
    async def test_malformed_requests_are_logged_in_one_line_without_the_credential(self, source, caplog):
        running = await source(token='t0ken')
        caplog.set_level(logging.DEBUG)
        secret = b'Bearer hunter2-\x01-secret'
        broken_chunks = request_bytes(b'', [b'Authorization: Bearer t0ken', b'Transfer-Encoding: chunked'])
        broken_chunks = broken_chunks.replace(b'Content-Length: 0\r\n', b'') + b'zz\r\n'
        for data in (request_bytes(b'{}', [b'Authorization: ' + secret]),
                     request_bytes(b'not gzip', [b'Authorization: Bearer t0ken', b'Content-Encoding: gzip']),
                     broken_chunks,
                     request_bytes(b'{}', [b'Authorization: Bearer \xff' + secret])):
            reader, writer = await connect(running)
            writer.write(data)
            await writer.drain()
            answer = await closed_by_server(reader)
            writer.close()
            assert b' 500 ' not in answer.split(b'\r\n', 1)[0]
        await still_serves(running, headers={'Authorization': 'Bearer t0ken'})
        assert caplog.records, 'the refusals are logged'
        assert all(record.exc_info is None for record in caplog.records)
        assert 'Traceback' not in caplog.text
        assert 'hunter2' not in caplog.text


class TestTLS:
    """HTTPS with certfile and keyfile."""

    @pytest.mark.asyncio
    async def test_tls(self, source, certificate):
        certfile, keyfile = certificate
        trusting = ssl.create_default_context(cafile=certfile)
        running = await source(scheme='https', ssl_client=trusting, certfile=certfile, keyfile=keyfile, token='t0ken')
        status, _answer = await running.post(json=DEFERRED, headers={'Authorization': 'Bearer t0ken'})
        assert status == 200
        [event] = running.drain()
        assert event['reason'] == '421 4.7.0 Try again later'
        # Plain HTTP to the TLS port gets no answer that the client could read as accepted.
        with pytest.raises(aiohttp.ClientError):
            await running.post(json=DEFERRED, headers={'Authorization': 'Bearer t0ken'}, url=running.url.replace('https', 'http'))
        assert running.drain() == []


class TestReadTimeout:
    """Slow and half-sent requests: read_timeout bounds how long a client holds a connection."""

    @pytest.mark.parametrize('half_request', [
        b'',
        b'POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le',
        b'POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n',
    ], ids=['nothing', 'half-a-header-line', 'headers-never-end'])
    @pytest.mark.asyncio
    async def test_headers_that_do_not_arrive_in_read_timeout_get_the_connection_closed(self, source, half_request):
        running = await source(read_timeout=SMALL_TIMEOUT)
        reader, writer = await connect(running)
        writer.write(half_request)
        await writer.drain()
        assert await closed_by_server(reader) == b''
        writer.close()
        assert running.drain() == []
        await still_serves(running)

    @pytest.mark.asyncio
    async def test_a_body_that_does_not_arrive_in_read_timeout_is_answered_408_and_dropped(self, source):
        running = await source(read_timeout=SMALL_TIMEOUT)
        body = json.dumps([OPENED, OPENED]).encode()
        reader, writer = await connect(running)
        writer.write(request_bytes(body)[:-10])
        await writer.drain()
        answer = await closed_by_server(reader)
        writer.close()
        assert answer.startswith(b'HTTP/1.1 408 ')
        assert b'did not arrive within 0.5 seconds' in answer
        assert running.drain() == []
        await still_serves(running)

    @pytest.mark.asyncio
    async def test_an_idle_keep_alive_connection_is_closed_after_read_timeout(self, source):
        running = await source(read_timeout=SMALL_TIMEOUT)
        reader, writer = await connect(running)
        writer.write(request_bytes(json.dumps(OPENED).encode()))
        await writer.drain()
        answer = await closed_by_server(reader)
        writer.close()
        # The request was served; then the idle connection was closed rather than held.
        assert answer.startswith(b'HTTP/1.1 200 ')
        assert len(running.drain()) == 1

    @pytest.mark.asyncio
    async def test_a_real_call_gets_through_while_50_half_open_clients_are_connected_and_they_are_dropped(self, source):
        running = await source(read_timeout=2)
        body = json.dumps(OPENED).encode()
        half_open = []
        for number in range(50):
            reader, writer = await connect(running)
            # Half of them stop inside the headers, half inside the body.
            writer.write(request_bytes(body)[:20] if number % 2 else request_bytes(body)[:-5])
            await writer.drain()
            half_open.append((reader, writer))
        try:
            status, answer, _headers = await post(running, json=[OPENED, OPENED])
            assert (status, answer) == (200, {'status': 'accepted', 'events': 2})
            assert not any(reader.at_eof() for reader, _writer in half_open), 'the real call must run while they are connected'
            answers = await asyncio.gather(*(closed_by_server(reader) for reader, _writer in half_open))
        finally:
            for _reader, writer in half_open:
                writer.close()
        assert sorted(set(answer.split(b'\r\n', 1)[0] for answer in answers)) == [b'', b'HTTP/1.1 408 Request Timeout']
        assert len(running.drain()) == 2


class TestSizeLimits:
    """max_body_bytes, max_events and max_pending: floods of bytes and events."""

    @pytest.mark.asyncio
    async def test_body_size_limit(self, source):
        running = await source(max_body_bytes=200)
        small = {'status': 'OPENED', 'email': 'a@example.com'}
        status, _answer = await running.post(json=small)
        assert status == 200
        large = [small] * 20
        status, answer = await running.post(json=large)
        assert status == 413
        assert '200 bytes' in answer['error']

        async def chunks():
            for _part in range(10):
                yield b'[' + b' ' * 50

        # Without a Content-Length the limit is enforced while reading.
        status, _answer = await running.post(data=chunks())
        assert status == 413
        assert len(running.drain()) == 1

    @pytest.mark.asyncio
    async def test_a_batch_over_the_default_max_events_is_413_and_nothing_is_queued(self, source):
        running = await source()
        status, answer, _headers = await post(running, json=[OPENED] * 1001)
        assert status == 413
        assert answer['error'] == 'the batch has 1001 events, more than the 1000 a request may carry'
        assert running.drain() == []
        status, answer, _headers = await post(running, json=[OPENED] * 1000)
        assert (status, answer['events']) == (200, 1000)
        assert len(running.drain()) == 1000

    @pytest.mark.asyncio
    async def test_max_events_is_configurable(self, source):
        running = await source(max_events=3)
        status, _answer, _headers = await post(running, json=[OPENED] * 4)
        assert status == 413
        assert running.drain() == []
        status, _answer, _headers = await post(running, json=[OPENED] * 3)
        assert status == 200
        assert len(running.drain()) == 3

    @pytest.mark.asyncio
    async def test_a_full_rulebook_queue_is_answered_503_with_retry_after_and_nothing_more_is_queued(self, source):
        running = await source(max_events=2, max_pending=3)
        status, _answer, _headers = await post(running, json=[OPENED, OPENED])
        assert status == 200
        # Two more would make four waiting: refused whole, batches stay all or nothing.
        status, answer, headers = await post(running, json=[OPENED, OPENED])
        assert status == 503
        assert int(headers['Retry-After']) > 0
        assert 'retry later' in answer['error']
        assert running.queue.qsize() == 2
        status, _answer, _headers = await post(running, json=OPENED)
        assert status == 200
        status, _answer, headers = await post(running, json=OPENED)
        assert (status, 'Retry-After' in headers) == (503, True)
        assert len(running.drain()) == 3
        # Once the rulebook has taken the events, calls are accepted again.
        status, _answer, _headers = await post(running, json=[OPENED, OPENED])
        assert status == 200
        assert len(running.drain()) == 2

    @pytest.mark.asyncio
    async def test_the_default_max_pending_bounds_the_queue(self, source):
        running = await source()
        for _call in range(10):
            status, _answer, _headers = await post(running, json=[OPENED] * 1000)
            assert status == 200
        status, _answer, headers = await post(running, json=OPENED)
        assert (status, 'Retry-After' in headers) == (503, True)
        assert running.queue.qsize() == 10000

    @pytest.mark.asyncio
    async def test_with_ansible_rulebooks_queue_of_one_a_call_waits_for_its_events_and_they_arrive_in_order(self, source):
        rulebook = RulebookQueue()
        running = await source(queue=rulebook)
        call = asyncio.create_task(post(running, json=[dict(OPENED, mid=number) for number in range(3)]))
        taken = [await asyncio.wait_for(rulebook.taken.get(), CLOSE_BOUND) for _number in range(3)]
        status, answer, _headers = await asyncio.wait_for(call, CLOSE_BOUND)
        assert (status, answer) == (200, {'status': 'accepted', 'events': 3})
        assert [event['mid'] for event in taken] == ['0', '1', '2']

    @pytest.mark.asyncio
    async def test_with_ansible_rulebooks_queue_of_one_events_waiting_in_the_source_count_toward_max_pending(self, source):
        rulebook = RulebookQueue()
        running = await source(queue=rulebook, max_events=3, max_pending=3)
        first = asyncio.create_task(post(running, json=[dict(OPENED, mid=number) for number in range(3)]))
        # The rulebook holds one event; two wait in the source.
        await until(rulebook.taken.full)
        status, _answer, headers = await asyncio.wait_for(post(running, json=[OPENED, OPENED]), CLOSE_BOUND)
        assert (status, 'Retry-After' in headers) == (503, True)
        second = asyncio.create_task(post(running, json=dict(OPENED, mid=3)))
        taken = [await asyncio.wait_for(rulebook.taken.get(), CLOSE_BOUND) for _number in range(4)]
        assert [(await asyncio.wait_for(call, CLOSE_BOUND))[0] for call in (first, second)] == [200, 200]
        assert [event['mid'] for event in taken] == ['0', '1', '2', '3']
        # Taken by the rules, they no longer count: a full batch is accepted again.
        third = asyncio.create_task(post(running, json=[OPENED] * 3))
        for _number in range(3):
            await asyncio.wait_for(rulebook.taken.get(), CLOSE_BOUND)
        assert (await asyncio.wait_for(third, CLOSE_BOUND))[0] == 200


class TestOptions:
    """Option values that cannot work stop the source when it starts."""

    @pytest.mark.parametrize('bad, message', [
        ({'max_events': 0}, 'max_events must be a whole number of at least 1, not 0'),
        ({'max_events': -5}, 'max_events must be a whole number of at least 1'),
        ({'max_events': 'many'}, 'max_events must be a whole number'),
        ({'max_events': 2.5}, 'max_events must be a whole number'),
        ({'max_events': True}, 'max_events must be a whole number'),
        ({'max_pending': 0}, 'max_pending must be a whole number of at least 1'),
        ({'max_pending': 10, 'max_events': 20}, 'max_pending (10) must be at least max_events (20)'),
        ({'read_timeout': 0}, 'read_timeout must be a number of seconds greater than 0, not 0'),
        ({'read_timeout': -1}, 'read_timeout must be a number of seconds greater than 0'),
        ({'read_timeout': 'soon'}, 'read_timeout must be a number of seconds greater than 0'),
        ({'read_timeout': float('inf')}, 'read_timeout must be a number of seconds greater than 0'),
        ({'max_body_bytes': 0}, 'max_body_bytes must be a whole number of at least 1, not 0'),
        ({'port': 0}, 'port must be a whole number of at least 1 and at most 65535, not 0'),
        ({'port': 70000}, 'port must be a whole number of at least 1 and at most 65535'),
        ({'port': 'http'}, 'port must be a whole number'),
        ({'port': '5²'}, 'port must be a whole number'),
    ])
    def test_option_values_that_cannot_work_are_refused_when_the_source_starts(self, bad, message):
        args = dict({'host': '127.0.0.1', 'port': 5999}, **bad)
        with pytest.raises(ValueError) as refused:
            asyncio.run(asyncio.wait_for(webhook.main(asyncio.Queue(), args), CLOSE_BOUND))
        assert message in str(refused.value)
        assert str(refused.value).startswith('turbosmtp.api.webhook: ')

    @pytest.mark.asyncio
    async def test_option_values_given_as_text_work(self, source):
        # A rulebook that templates its args ("{{ ... }}") hands the source strings.
        running = await source(read_timeout='5', max_events='2', max_pending='2', max_body_bytes='4096')
        status, _answer, _headers = await post(running, json=[OPENED] * 3)
        assert status == 413
        status, _answer, _headers = await post(running, json=[OPENED] * 2)
        assert status == 200
        assert len(running.drain()) == 2


class TestNever500:
    """Generated bodies and Authorization headers: every request is answered with what happened, never 500."""

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(body=bodies)
    def test_any_body_is_accepted_or_refused_and_only_accepted_events_are_queued(self, threaded_source, body):
        status, answer = threaded_source.post(body)
        assert status in (200, 400, 413), (status, answer)
        answer = json.loads(answer)
        queued = threaded_source.drain()
        if status == 200:
            assert answer == {'status': 'accepted', 'events': len(queued)}
            assert all(isinstance(event['status'], str) and event['status'] for event in queued)
        else:
            assert answer['status'] == 'rejected' and answer['error']
            assert queued == []

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(authorization=header_values)
    def test_any_authorization_header_is_refused_401_or_400_unless_it_carries_the_token(self, threaded_source, authorization):
        status, _answer = threaded_source.post(json.dumps({'status': 'OPENED'}).encode(), authorization=authorization)
        queued = threaded_source.drain()
        if status == 200:
            assert TOKEN.encode() in authorization
            assert len(queued) == 1
        else:
            # 400 is aiohttp refusing header bytes that HTTP does not allow.
            assert status in (400, 401)
            assert queued == []


class TestDocumentation:
    """The documentation loads in ansible-doc and says what the code does; the file loads as ansible-rulebook loads it."""

    def test_every_description_is_text(self):
        doc = documentation()
        found = [('description', doc['description'])] + list(descriptions(doc['options']))
        assert [where for where, description in found if not is_text(description)] == []

    def test_requirements_name_aiohttp(self):
        assert 'aiohttp' in documentation()['requirements']

    def test_documented_defaults_are_the_defaults_the_source_uses(self):
        options = documentation()['options']
        assert options['read_timeout']['default'] == webhook.DEFAULT_READ_TIMEOUT == 15
        assert options['max_events']['default'] == webhook.DEFAULT_MAX_EVENTS == 1000
        assert options['max_pending']['default'] == webhook.DEFAULT_MAX_PENDING == 10000
        assert options['max_body_bytes']['default'] == webhook.DEFAULT_MAX_BODY_BYTES
        assert options['host']['default'] == webhook.DEFAULT_HOST
        _port, limits = webhook.read_settings({'port': 5000})
        assert (limits.read_timeout, limits.max_events, limits.max_pending) == (15, 1000, 10000)

    def test_examples_are_a_rulebook_using_only_documented_options(self):
        [play] = yaml.safe_load(webhook.EXAMPLES)
        [source] = play['sources']
        args = source['turbosmtp.api.webhook']
        assert set(args) <= set(documentation()['options'])
        webhook.read_settings(args)

    def test_ansible_doc_loads_the_documentation(self):
        env = dict(os.environ, ANSIBLE_NOCOLOR='1')
        # The ansible-doc beside this interpreter: under ansible-test the `ansible` package is not runnable with -m.
        ansible_doc = shutil.which('ansible-doc', path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')]))
        done = subprocess.run([ansible_doc, '-M', str(SOURCE_DIR), '--json', 'webhook'],
                              capture_output=True, text=True, timeout=BOUND, env=env, check=False)
        assert done.returncode == 0, done.stderr
        doc = json.loads(done.stdout)['webhook']['doc']
        assert doc['requirements'] == ['aiohttp']
        assert {'read_timeout', 'max_events', 'max_pending'} <= set(doc['options'])
        assert is_text(doc['options']['token']['description'])
        assert any('Authorization: Bearer <token>' in line for line in doc['options']['token']['description'])

    def test_the_source_runs_as_a_lone_file_without_the_collection_on_the_python_path(self, tmp_path):
        # ansible-rulebook runs the file with runpy, with no ansible_collections package importable.
        lone = tmp_path / 'webhook.py'
        shutil.copy(str(SOURCE_DIR / 'webhook.py'), str(lone))
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            port = probe.getsockname()[1]
        env = {name: value for name, value in os.environ.items() if name not in ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH')}
        # -I: isolated mode, so neither PYTHONPATH nor the working directory can supply the collection.
        done = subprocess.run([sys.executable, '-I', '-c', LOAD_ALONE, str(lone), str(port)],
                              capture_output=True, text=True, timeout=BOUND, env=env, cwd=str(tmp_path), check=False)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result['loaded'] == []
        assert result['answer'] == ['HTTP/1.1 200 OK', 'BOUNCED']


class TestCredentialsRequired:
    """An empty or missing credential never opens the endpoint (AAP injects "" for a blank credential field)."""

    @pytest.mark.parametrize('credentials', [
        {},
        {'token': ''},
        {'token': '   '},
        {'username': '', 'password': ''},
        # What the "turboSMTP webhook" credential type injects when every field is left blank.
        {'token': '', 'username': '', 'password': ''},
        {'token': None, 'username': None, 'password': None},
        {'token': '', 'allow_anonymous': False},
        {'token': '', 'allow_anonymous': 'false'},
    ])
    def test_a_source_without_any_credential_refuses_to_start_naming_the_options(self, credentials):
        args = dict({'host': '127.0.0.1', 'port': free_port()}, **credentials)
        with pytest.raises(ValueError) as refused:
            asyncio.run(asyncio.wait_for(webhook.main(asyncio.Queue(), args), CLOSE_BOUND))
        message = str(refused.value)
        assert message.startswith('turbosmtp.api.webhook: no credential is set')
        assert 'token' in message and 'username and password' in message and 'allow_anonymous: true' in message

    @pytest.mark.parametrize('credentials, missing', [
        ({'username': 'turbosmtp', 'password': ''}, 'password'),
        ({'username': '', 'password': 'hook-secret', 'token': 't0ken'}, 'username'),
    ])
    def test_half_of_the_basic_credentials_is_refused_even_beside_a_token(self, credentials, missing):
        args = dict({'host': '127.0.0.1', 'port': free_port()}, **credentials)
        with pytest.raises(ValueError, match='username and password must be set together [(]%s is empty' % missing):
            asyncio.run(asyncio.wait_for(webhook.main(asyncio.Queue(), args), CLOSE_BOUND))

    @pytest.mark.asyncio
    async def test_the_credential_that_is_given_is_used_and_the_empty_ones_are_ignored(self, source):
        basic_only = await source(token='', username='turbosmtp', password='hook-secret')
        for headers in ({}, {'Authorization': 'Bearer '}, {'Authorization': 'Bearer'}):
            status, _answer = await basic_only.post(json=BOUNCE, headers=headers)
            assert status == 401, headers
        status, _answer = await basic_only.post(json=BOUNCE, headers={'Authorization': basic('turbosmtp', 'hook-secret')})
        assert status == 200
        token_only = await source(token='t0ken', username='', password='')
        for headers in ({}, {'Authorization': basic('', '')}, {'Authorization': 'Basic ' + base64.b64encode(b':').decode()}):
            status, _answer = await token_only.post(json=BOUNCE, headers=headers)
            assert status == 401, headers
        status, _answer = await token_only.post(json=BOUNCE, headers={'Authorization': 'Bearer t0ken'})
        assert status == 200
        assert len(basic_only.drain()) == 1 and len(token_only.drain()) == 1

    @pytest.mark.asyncio
    async def test_allow_anonymous_opens_the_endpoint_only_when_asked_and_warns(self, source, caplog):
        caplog.set_level(logging.WARNING)
        running = await source(token='', allow_anonymous=True)
        status, _answer = await running.post(json=BOUNCE)
        assert status == 200
        assert len(running.drain()) == 1
        assert 'allow_anonymous is set and no credential is' in caplog.text

    @pytest.mark.asyncio
    async def test_allow_anonymous_does_not_drop_a_credential_that_is_set(self, source):
        running = await source(token='t0ken', allow_anonymous=True)
        status, _answer = await running.post(json=BOUNCE)
        assert status == 401
        assert running.drain() == []

    def test_allow_anonymous_must_be_a_boolean(self):
        args = {'host': '127.0.0.1', 'port': free_port(), 'allow_anonymous': 'perhaps'}
        with pytest.raises(ValueError, match='allow_anonymous must be true or false'):
            asyncio.run(asyncio.wait_for(webhook.main(asyncio.Queue(), args), CLOSE_BOUND))

    @pytest.mark.asyncio
    async def test_an_empty_certfile_serves_plain_http(self, source):
        # The rulebooks pass certfile: "{{ turbosmtp_webhook_certfile | default('') }}".
        running = await source(token='t0ken', certfile='', keyfile='')
        status, _answer = await running.post(json=BOUNCE, headers={'Authorization': 'Bearer t0ken'})
        assert status == 200


class TestJsonOnlyPythonAccepts:
    """NaN, Infinity and lone surrogates: Python's json module reads them, JSON and the rulebook do not."""

    @pytest.mark.parametrize('body, error', [
        (b'{"status": "OPENED", "mid": NaN}', 'the body is not valid JSON: NaN is not a JSON value'),
        (b'{"status": "OPENED", "attempt": Infinity}', 'the body is not valid JSON: Infinity is not a JSON value'),
        (b'[{"status": "OPENED"}, {"status": "OPENED", "timestamp": -Infinity}]',
         'the body is not valid JSON: -Infinity is not a JSON value'),
        (b'{"status": "OPENED", "subject": "Invoice \\ud800"}', 'lone surrogate'),
        (b'{"status": "OPENED", "subject": "\\udc00 first"}', 'lone surrogate'),
        (b'{"status": "OPENED", "\\udfff": 1}', 'lone surrogate'),
        (b'[{"status": "OPENED"}, {"status": "OPENED", "raw": [{"x": "\\ude00\\ud83d"}]}]', 'lone surrogate'),
        (b'{"status": "OPENED\\ud83d"}', 'lone surrogate'),
    ])
    @pytest.mark.asyncio
    async def test_values_that_are_not_json_are_400_and_nothing_is_queued(self, source, body, error):
        running = await source()
        status, answer = await running.post(data=body, headers={'Content-Type': 'application/json'})
        assert (status, answer['status']) == (400, 'rejected')
        assert error in answer['error']
        assert running.drain() == []

    @pytest.mark.asyncio
    async def test_a_surrogate_pair_and_an_escaped_backslash_are_still_accepted(self, source):
        running = await source()
        body = b'{"status": "OPENED", "subject": "Offer \\ud83d\\ude00", "url": "C:\\\\udc00"}'
        status, _answer = await running.post(data=body, headers={'Content-Type': 'application/json'})
        assert status == 200
        [event] = running.drain()
        assert event['subject'] == 'Offer \U0001F600'
        assert event['url'] == 'C:\\udc00'
        json.dumps(event, allow_nan=False).encode('utf-8')


async def bytes_taken_after_the_answer(running, extra_headers, seconds=3):
    """Announce a 1 GB body, read the answer, then push the body: (status line, bytes the server took before closing)."""
    reader, writer = await connect(running)
    head = [b'POST /hook HTTP/1.1', b'Host: 127.0.0.1', b'Content-Type: application/json', b'Content-Length: 1000000000']
    writer.write(b'\r\n'.join(head + list(extra_headers)) + b'\r\n\r\n')
    await writer.drain()
    answer = await asyncio.wait_for(reader.readuntil(b'\r\n\r\n'), CLOSE_BOUND)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    chunk = b' ' * (1 << 20)
    pushed = 0
    try:
        while loop.time() < deadline and not writer.transport.is_closing():
            writer.write(chunk)
            await asyncio.wait_for(writer.drain(), seconds)
            pushed += len(chunk)
    except (ConnectionError, asyncio.TimeoutError):
        pass
    finally:
        writer.transport.abort()
    return answer.split(b'\r\n', 1)[0], pushed


class TestRefusalsCloseTheConnection:
    """After an answer that refuses the body, the connection is closed at once: nobody can push a body the source will not use."""

    @pytest.mark.asyncio
    async def test_after_a_401_the_rest_of_a_huge_body_is_not_read(self, source):
        running = await source(token='t0ken', read_timeout=10)
        status_line, pushed = await bytes_taken_after_the_answer(running, [b'Authorization: Bearer wrong'])
        assert status_line == b'HTTP/1.1 401 Unauthorized'
        # Socket buffers take a few megabytes; draining the body would take hundreds in these 3 seconds.
        assert pushed < 64 * (1 << 20), '%d MB pushed after the 401' % (pushed >> 20)
        await still_serves(running, headers={'Authorization': 'Bearer t0ken'})

    @pytest.mark.asyncio
    async def test_after_a_413_the_rest_of_a_huge_body_is_not_read(self, source):
        running = await source(token='t0ken', read_timeout=10)
        status_line, pushed = await bytes_taken_after_the_answer(running, [b'Authorization: Bearer t0ken'])
        assert status_line == b'HTTP/1.1 413 Request Entity Too Large'
        assert pushed < 64 * (1 << 20), '%d MB pushed after the 413' % (pushed >> 20)
        await still_serves(running, headers={'Authorization': 'Bearer t0ken'})

    @pytest.mark.asyncio
    async def test_a_small_refused_body_still_gets_its_401_and_the_server_says_it_closes(self, source):
        running = await source(token='t0ken')
        async with running.session.post(running.url + '/hook', json=OPENED, headers={'Authorization': 'Bearer no'}) as response:
            assert response.status == 401
            assert response.headers.get('Connection', '').lower() == 'close'


class TestDuplicateDeliveries:
    """An event whose id and status were already accepted is dropped; duplicate_window bounds the memory."""

    @pytest.mark.asyncio
    async def test_a_repeated_delivery_is_answered_200_and_not_queued_again(self, source):
        running = await source()
        assert await running.post(json=BOUNCE) == (200, {'status': 'accepted', 'events': 1})
        assert await running.post(json=BOUNCE) == (200, {'status': 'accepted', 'events': 0, 'duplicates': 1})
        # The same id as text is the same event; a new status of it is a new event.
        assert await running.post(json=dict(BOUNCE, id='91')) == (200, {'status': 'accepted', 'events': 0, 'duplicates': 1})
        assert await running.post(json=dict(BOUNCE, status='dropped')) == (200, {'status': 'accepted', 'events': 1})
        assert [event['status'] for event in running.drain()] == ['BOUNCED', 'DROPPED']

    @pytest.mark.asyncio
    async def test_events_without_an_id_are_never_dropped_and_a_batch_drops_its_own_repeats(self, source):
        running = await source()
        assert await running.post(json=[OPENED, OPENED]) == (200, {'status': 'accepted', 'events': 2})
        status, answer = await running.post(json=[BOUNCE, DEFERRED, BOUNCE, dict(BOUNCE, status='bounced')])
        assert (status, answer) == (200, {'status': 'accepted', 'events': 2, 'duplicates': 2})
        assert [event.get('id') for event in running.drain()] == [None, None, 91, 92]

    @pytest.mark.asyncio
    async def test_the_window_forgets_the_oldest_events(self, source):
        running = await source(duplicate_window=2)
        for number in (1, 2, 3):
            await running.post(json=dict(OPENED, id=number))
        assert (await running.post(json=dict(OPENED, id=3)))[1]['events'] == 0
        # id 1 fell out of the last two.
        assert (await running.post(json=dict(OPENED, id=1)))[1]['events'] == 1
        assert len(running.drain()) == 4

    @pytest.mark.asyncio
    async def test_a_window_of_0_turns_the_check_off(self, source):
        running = await source(duplicate_window=0)
        for _call in range(3):
            assert (await running.post(json=BOUNCE))[1] == {'status': 'accepted', 'events': 1}
        assert len(running.drain()) == 3

    @pytest.mark.asyncio
    async def test_a_retry_while_the_first_delivery_still_waits_for_the_rulebook_is_dropped(self, source):
        rulebook = RulebookQueue()
        running = await source(queue=rulebook)
        batch = [dict(OPENED, id=number) for number in range(3)]
        first = asyncio.create_task(post(running, json=batch))
        await until(rulebook.taken.full)
        # The sender gave up on the first call (its events still wait for the rulebook) and retries.
        status, answer, _headers = await asyncio.wait_for(post(running, json=batch), CLOSE_BOUND)
        assert (status, answer) == (200, {'status': 'accepted', 'events': 0, 'duplicates': 3})
        taken = [await asyncio.wait_for(rulebook.taken.get(), CLOSE_BOUND) for _number in range(3)]
        assert (await asyncio.wait_for(first, CLOSE_BOUND))[0] == 200
        await asyncio.sleep(0.1)
        assert rulebook.taken.empty()
        assert [event['raw']['id'] for event in taken] == [0, 1, 2]

    @pytest.mark.asyncio
    async def test_events_refused_503_are_not_remembered(self, source):
        running = await source(max_events=2, max_pending=2)
        await running.post(json=[OPENED, OPENED])
        status, _answer = await running.post(json=BOUNCE)
        assert status == 503
        running.drain()
        assert await running.post(json=BOUNCE) == (200, {'status': 'accepted', 'events': 1})

    def test_events_the_rulebook_never_took_are_forgotten(self):
        delivered = webhook.DeliveredEvents(10)
        events = webhook.to_events([BOUNCE, DEFERRED])
        assert delivered.claim(events) == (events, 0)

        async def stopped_rulebook():
            class Stopped:
                async def put(self, event):
                    raise asyncio.CancelledError()
            await webhook.Backlog(Stopped(), 10).hand_over(events, on_not_taken=delivered.forget)

        with pytest.raises(asyncio.CancelledError):
            asyncio.run(stopped_rulebook())
        assert delivered.claim(events) == (events, 0)

    def test_the_window_must_be_a_whole_number_of_at_least_0(self):
        with pytest.raises(ValueError, match='duplicate_window must be a whole number of at least 0'):
            webhook.read_settings({'port': 5000, 'duplicate_window': -1})
        assert webhook.read_settings({'port': 5000})[1].duplicate_window == webhook.DEFAULT_DUPLICATE_WINDOW == 10000


class TestSecretsInLogs:
    """The source's own token and password never reach its log, whatever text a library logs."""

    @pytest.mark.asyncio
    async def test_the_credentials_are_masked_in_every_record_of_the_sources_loggers(self, source, caplog):
        caplog.set_level(logging.DEBUG)
        running = await source(token='t0ken-s3cret', username='turbosmtp', password='hook-s3cret')
        webhook.HTTP_LOGGER.warning('a client sent %s and %s', 'Bearer t0ken-s3cret', 'turbosmtp:hook-s3cret')
        webhook.LOGGER.warning('echo: t0ken-s3cret')
        await still_serves(running, headers={'Authorization': 'Bearer t0ken-s3cret'})
        assert 'a client sent Bearer ******** and turbosmtp:********' in caplog.text
        assert 's3cret' not in caplog.text
