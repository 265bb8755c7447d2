"""turbosmtp.api.webhook under abuse: slow and half-sent requests, floods of events, odd bytes.

Every case runs over real HTTP (or raw sockets, for what an HTTP client would not send) against the
running source, and checks the answer, what reached the queue, and that the source still serves.
"""

import asyncio
import base64
import json
import logging

import pytest

from ansible_collections.turbosmtp.api.extensions.eda.plugins.event_source import webhook
from ansible_collections.turbosmtp.api.tests.unit.plugins.event_source import test_webhook

# The fixture that runs the source as ansible-rulebook does, shared by binding it here: an import of the
# name itself would be shadowed by every test's `source` argument (F811).
source = test_webhook.source

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


# --- read_timeout ------------------------------------------------------------------------------


@pytest.mark.parametrize('half_request', [
    b'',
    b'POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le',
    b'POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n',
], ids=['nothing', 'half-a-header-line', 'headers-never-end'])
@pytest.mark.asyncio
async def test_headers_that_do_not_arrive_in_read_timeout_get_the_connection_closed(source, half_request):
    running = await source(read_timeout=SMALL_TIMEOUT)
    reader, writer = await connect(running)
    writer.write(half_request)
    await writer.drain()
    assert await closed_by_server(reader) == b''
    writer.close()
    assert running.drain() == []
    await still_serves(running)


@pytest.mark.asyncio
async def test_a_body_that_does_not_arrive_in_read_timeout_is_answered_408_and_dropped(source):
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
async def test_an_idle_keep_alive_connection_is_closed_after_read_timeout(source):
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
async def test_a_real_call_gets_through_while_50_half_open_clients_are_connected_and_they_are_dropped(source):
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


# --- max_events and max_pending -----------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_batch_over_the_default_max_events_is_413_and_nothing_is_queued(source):
    running = await source()
    status, answer, _headers = await post(running, json=[OPENED] * 1001)
    assert status == 413
    assert answer['error'] == 'the batch has 1001 events, more than the 1000 a request may carry'
    assert running.drain() == []
    status, answer, _headers = await post(running, json=[OPENED] * 1000)
    assert (status, answer['events']) == (200, 1000)
    assert len(running.drain()) == 1000


@pytest.mark.asyncio
async def test_max_events_is_configurable(source):
    running = await source(max_events=3)
    status, _answer, _headers = await post(running, json=[OPENED] * 4)
    assert status == 413
    assert running.drain() == []
    status, _answer, _headers = await post(running, json=[OPENED] * 3)
    assert status == 200
    assert len(running.drain()) == 3


@pytest.mark.asyncio
async def test_a_full_rulebook_queue_is_answered_503_with_retry_after_and_nothing_more_is_queued(source):
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
async def test_the_default_max_pending_bounds_the_queue(source):
    running = await source()
    for _call in range(10):
        status, _answer, _headers = await post(running, json=[OPENED] * 1000)
        assert status == 200
    status, _answer, headers = await post(running, json=OPENED)
    assert (status, 'Retry-After' in headers) == (503, True)
    assert running.queue.qsize() == 10000


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


@pytest.mark.asyncio
async def test_with_ansible_rulebooks_queue_of_one_a_call_waits_for_its_events_and_they_arrive_in_order(source):
    rulebook = RulebookQueue()
    running = await source(queue=rulebook)
    call = asyncio.create_task(post(running, json=[dict(OPENED, mid=number) for number in range(3)]))
    taken = [await asyncio.wait_for(rulebook.taken.get(), CLOSE_BOUND) for _number in range(3)]
    status, answer, _headers = await asyncio.wait_for(call, CLOSE_BOUND)
    assert (status, answer) == (200, {'status': 'accepted', 'events': 3})
    assert [event['mid'] for event in taken] == ['0', '1', '2']


@pytest.mark.asyncio
async def test_with_ansible_rulebooks_queue_of_one_events_waiting_in_the_source_count_toward_max_pending(source):
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


# --- odd bytes: 400 or 401 with a clear message, never 500 --------------------------------------


@pytest.mark.parametrize('authorization', [
    b'Bearer \xc3\xa9t0ken', b'Bearer t0ken\xff', b'\xff\xfe', b'Basic \xe2\x82\xac',
])
@pytest.mark.asyncio
async def test_authorization_bytes_that_are_not_ascii_are_401(source, authorization):
    running = await source(token='t0ken', username='turbosmtp', password='hook-secret')
    status, answer = await exchange(running, request_bytes(json.dumps(OPENED).encode(), [b'Authorization: ' + authorization]))
    assert (status, answer) == (401, {'status': 'unauthorized'})
    assert running.drain() == []
    status, _answer = await exchange(running, request_bytes(json.dumps(OPENED).encode(), [b'Authorization: Bearer t0ken']))
    assert status == 200


@pytest.mark.asyncio
async def test_basic_credentials_with_utf8_password_still_work(source):
    running = await source(username='turbosmtp', password='pässwörd')
    credentials = base64.b64encode('turbosmtp:pässwörd'.encode()).decode()
    status, _answer, _headers = await post(running, json=OPENED, headers={'Authorization': 'Basic ' + credentials})
    assert status == 200


@pytest.mark.parametrize('body', [b'[' * 100000 + b']' * 100000, b'{"a": ' * 100000 + b'1' + b'}' * 100000],
                         ids=['lists', 'objects'])
@pytest.mark.asyncio
async def test_json_nested_100000_levels_is_400(source, body):
    running = await source(max_body_bytes=len(body))
    status, answer, _headers = await post(running, data=body, headers={'Content-Type': 'application/json'})
    assert status == 400
    assert answer['error'] == 'the body is not valid JSON: it is nested too deeply'
    assert running.drain() == []
    await still_serves(running)


@pytest.mark.asyncio
async def test_a_reason_nested_as_deep_as_json_allows_is_still_one_line_of_text(source):
    running = await source()
    depth = 900
    reason = '{"response": ' * depth + '"550 user unknown"' + '}' * depth
    body = ('{"status": "BOUNCED", "reason": %s}' % reason).encode()
    status, _answer, _headers = await post(running, data=body, headers={'Content-Type': 'application/json'})
    assert status == 200
    assert running.drain()[0]['reason'] == '550 user unknown'


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
async def test_bodies_that_are_not_events_are_400_with_a_clear_message(source, body, error):
    running = await source()
    status, answer, _headers = await post(running, data=body, headers={'Content-Type': 'application/json'})
    assert (status, answer) == (400, {'status': 'rejected', 'error': error})
    assert running.drain() == []


@pytest.mark.asyncio
async def test_a_broken_compressed_body_is_400(source):
    running = await source()
    status, answer, _headers = await post(running, data=b'not gzip at all', headers={'Content-Encoding': 'gzip'})
    assert status == 400
    assert 'encoding is broken' in answer['error']
    assert running.drain() == []
    await still_serves(running)


@pytest.mark.asyncio
async def test_malformed_requests_are_logged_in_one_line_without_the_credential(source, caplog):
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


# --- option values that cannot work stop the source at start -----------------------------------


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
def test_option_values_that_cannot_work_are_refused_when_the_source_starts(bad, message):
    args = dict({'host': '127.0.0.1', 'port': 5999}, **bad)
    with pytest.raises(ValueError) as refused:
        asyncio.run(asyncio.wait_for(webhook.main(asyncio.Queue(), args), CLOSE_BOUND))
    assert message in str(refused.value)
    assert str(refused.value).startswith('turbosmtp.api.webhook: ')


@pytest.mark.asyncio
async def test_option_values_given_as_text_work(source):
    # A rulebook that templates its args ("{{ ... }}") hands the source strings.
    running = await source(read_timeout='5', max_events='2', max_pending='2', max_body_bytes='4096')
    status, _answer, _headers = await post(running, json=[OPENED] * 3)
    assert status == 413
    status, _answer, _headers = await post(running, json=[OPENED] * 2)
    assert status == 200
    assert len(running.drain()) == 2
