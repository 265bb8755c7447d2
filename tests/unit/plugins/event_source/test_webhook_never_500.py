"""turbosmtp.api.webhook answers every request, whatever its bytes, with a status that says what happened - never 500.

Generated bodies and Authorization headers go over real HTTP to one source that runs in its own thread
for the whole module, as ansible-rulebook runs it; the queue is checked to hold exactly what was accepted.
"""

import asyncio
import concurrent.futures
import http.client
import json
import socket
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.turbosmtp.api.extensions.eda.plugins.event_source import webhook

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


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies)
def test_any_body_is_accepted_or_refused_and_only_accepted_events_are_queued(threaded_source, body):
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
def test_any_authorization_header_is_refused_401_or_400_unless_it_carries_the_token(threaded_source, authorization):
    status, _answer = threaded_source.post(json.dumps({'status': 'OPENED'}).encode(), authorization=authorization)
    queued = threaded_source.drain()
    if status == 200:
        assert TOKEN.encode() in authorization
        assert len(queued) == 1
    else:
        # 400 is aiohttp refusing header bytes that HTTP does not allow.
        assert status in (400, 401)
        assert queued == []
