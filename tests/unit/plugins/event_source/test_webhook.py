"""turbosmtp.api.webhook: real HTTP requests to the running source, and what reached the queue."""

import asyncio
import base64
import socket
import ssl

import aiohttp
import pytest
import pytest_asyncio

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


@pytest.mark.asyncio
async def test_single_event_is_normalised(source):
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
async def test_batched_events_arrive_in_order_with_reasons_normalised(source):
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
def test_reason_text_edge_cases(reason, text):
    assert webhook.reason_text(reason) == text


@pytest.mark.parametrize('value, text', [
    (None, None), ('soon', None), (True, None), (1767225600.25, '2026-01-01T00:00:00.250Z'), (10 ** 20, None),
])
def test_timestamp_edge_cases(value, text):
    assert webhook.iso_timestamp(value) == text


@pytest.mark.parametrize('body', [b'{"status": "BOUNCED"', b'not json', b'\xff\xfe', b'"BOUNCED"', b'{"email": "a@example.com"}',
                                  b'[{"status": "OPENED"}, {"status": ""}]', b'[{"status": "OPENED"}, 5]'])
@pytest.mark.asyncio
async def test_malformed_payloads_are_rejected_and_nothing_is_queued(source, body):
    running = await source()
    status, answer = await running.post(data=body, headers={'Content-Type': 'application/json'})
    assert status == 400
    assert answer['status'] == 'rejected'
    assert running.drain() == []


@pytest.mark.asyncio
async def test_only_post_is_accepted(source):
    running = await source()
    async with running.session.get(running.url + '/') as response:
        assert response.status == 405
    assert running.drain() == []


@pytest.mark.asyncio
async def test_basic_auth(source):
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
async def test_credentials_in_the_url_work_like_turbosmtp_sends_them(source):
    running = await source(username='turbosmtp', password='p:ss')
    url = running.url.replace('://', '://turbosmtp:p%3Ass@') + '/'
    async with running.session.post(url, json=[BOUNCE, CLICKED]) as response:
        assert response.status == 200
    assert len(running.drain()) == 2


@pytest.mark.asyncio
async def test_bearer_token(source):
    running = await source(token='t0ken')
    for headers in ({}, {'Authorization': 'Bearer wrong'}, {'Authorization': 'Bearer '}, {'Authorization': basic('t0ken', 't0ken')}):
        status, _answer = await running.post(json=BOUNCE, headers=headers)
        assert status == 401, headers
    assert running.drain() == []
    status, _answer = await running.post(json=BOUNCE, headers={'Authorization': 'Bearer t0ken'})
    assert status == 200
    assert len(running.drain()) == 1


@pytest.mark.asyncio
async def test_unauthenticated_large_body_is_refused_as_unauthorized(source):
    running = await source(token='t0ken', max_body_bytes=100)
    status, _answer = await running.post(data=b'x' * 1000)
    assert status == 401


@pytest.mark.asyncio
async def test_body_size_limit(source):
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


def test_half_configured_credentials_are_refused():
    with pytest.raises(ValueError, match='together'):
        asyncio.run(webhook.main(asyncio.Queue(), {'port': free_port(), 'username': 'only-user'}))
    with pytest.raises(ValueError, match='port'):
        asyncio.run(webhook.main(asyncio.Queue(), {}))


@pytest.mark.asyncio
async def test_tls(source, certificate):
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
