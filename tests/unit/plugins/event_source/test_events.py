"""turbosmtp.api.events: the polling source against the simulator, run as ansible-rulebook runs it."""

import asyncio
import json
import logging
from pathlib import Path

import pytest

from ansible_collections.turbosmtp.api.extensions.eda.plugins.event_source import events
from ansible_collections.turbosmtp.api.plugins.module_utils.client import DashboardClient, SendClient
from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD

POLL = 0.1
# 2026-06-20 .. 2026-07-01 holds a handful of the simulator's seeded rows.
START = '2026-06-20 00:00:00'


def seeded_rows(sim, statuses=None):
    """What the API holds since START, oldest first (read with the shared client, as a user would)."""
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    try:
        params = {'start': START, 'end': '2026-12-31 23:59:59', 'tz': '+00:00'}
        if statuses:
            params['filter'] = json.dumps(statuses)
        rows, _count = client.stats_list(params)
    finally:
        client.close()
    return list(reversed(rows))


def send(sim, *recipients):
    client = SendClient(sim.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET)
    try:
        return client.send({'from': 'ops@example.com', 'to': ', '.join(recipients), 'subject': 'EDA test', 'content': 'hi'})
    finally:
        client.close()


class Running:
    def __init__(self, args):
        self.queue = asyncio.Queue()
        self.task = asyncio.create_task(events.main(self.queue, args))

    async def take(self, count, timeout=10):
        taken = []
        for _item in range(count):
            taken.append(await asyncio.wait_for(self.queue.get(), timeout))
        return taken

    async def quiet(self, polls=5):
        """Let a few more polls happen; return whatever they emitted (should be nothing)."""
        await asyncio.sleep(POLL * polls)
        extra = []
        while not self.queue.empty():
            extra.append(self.queue.get_nowait())
        return extra

    async def stop(self):
        self.task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self.task


@pytest.mark.asyncio
async def test_rows_are_emitted_once_oldest_first_and_the_token_is_revoked(sim, args):
    expected = seeded_rows(sim)
    assert len(expected) >= 3
    running = Running(dict(args, start=START))
    emitted = await running.take(len(expected))
    assert [row['id'] for row in emitted] == [row['id'] for row in expected]
    assert emitted[0] == dict(expected[0], source='turbosmtp.api.events')
    assert await running.quiet() == []
    await running.stop()
    assert sim.world.live_token_count() == 0
    # Every poll asked in UTC from the newest row it had seen.
    queries = [request['query'] for request in sim.requests(path='/api/stats/panes/emails/count')]
    assert len(queries) > 3
    assert all(query['tz'] == '+00:00' for query in queries)
    assert queries[-1]['start'] == expected[-1]['sendTime'][:19].replace('T', ' ')


@pytest.mark.asyncio
async def test_a_sent_message_appears_as_an_event(sim, args):
    running = Running(args)
    await running.quiet(2)
    send(sim, 'anna.rossi@example.com', 'luca.bruno@example.org')
    first, second = await running.take(2)
    assert {first['recipient'], second['recipient']} == {'anna.rossi@example.com', 'luca.bruno@example.org'}
    assert (first['status'], first['subject'], first['source']) == ('NEW', 'EDA test', 'turbosmtp.api.events')
    assert await running.quiet() == []
    send(sim, 'sara.greco@example.net')
    [third] = await running.take(1)
    assert third['recipient'] == 'sara.greco@example.net'
    await running.stop()


@pytest.mark.asyncio
async def test_restart_with_the_state_file_emits_no_duplicates(sim, args, tmp_path):
    state_file = str(tmp_path / 'position.json')
    expected = seeded_rows(sim)
    running = Running(dict(args, start=START, state_file=state_file))
    await running.take(len(expected))
    await running.stop()
    saved = json.loads(Path(state_file).read_text())
    assert saved['cursor'].startswith(expected[-1]['sendTime'][:19])

    send(sim, 'irene.costa@example.com')
    # start is ignored once there is a state: nothing seen before comes again.
    restarted = Running(dict(args, start=START, state_file=state_file))
    [event] = await restarted.take(1)
    assert event['recipient'] == 'irene.costa@example.com'
    assert await restarted.quiet() == []
    await restarted.stop()

    again = Running(dict(args, state_file=state_file))
    assert await again.quiet() == []
    await again.stop()


@pytest.mark.asyncio
async def test_a_restart_before_any_row_arrived_skips_nothing(sim, args, tmp_path):
    state_file = str(tmp_path / 'position.json')
    running = Running(dict(args, state_file=state_file))
    assert await running.quiet(3) == []
    await running.stop()
    send(sim, 'paolo.gallo@example.com')
    restarted = Running(dict(args, state_file=state_file))
    [event] = await restarted.take(1)
    assert event['recipient'] == 'paolo.gallo@example.com'
    await restarted.stop()


@pytest.mark.asyncio
async def test_status_filter(sim, args):
    expected = seeded_rows(sim, ['FAIL', 'SYSFAIL'])
    assert expected and len(expected) < len(seeded_rows(sim))
    sim.clear_requests()
    running = Running(dict(args, start=START, status=['fail', 'SYSFAIL']))
    emitted = await running.take(len(expected))
    assert [row['id'] for row in emitted] == [row['id'] for row in expected]
    send(sim, 'new.row@example.com')  # status NEW: filtered out
    assert await running.quiet() == []
    await running.stop()
    assert {request['query']['filter'] for request in sim.requests(path='/api/stats/panes/emails')} == {'["FAIL","SYSFAIL"]'}


@pytest.mark.asyncio
async def test_api_errors_are_logged_and_polling_goes_on(sim, args, caplog):
    caplog.set_level(logging.WARNING)
    sim.add_fault('status', count=3, status=503, path='/api/stats/panes/emails/count')
    running = Running(args)
    await running.quiet(4)
    send(sim, 'after.outage@example.com')
    [event] = await running.take(1)
    assert event['recipient'] == 'after.outage@example.com'
    await running.stop()
    assert 'polling failed' in caplog.text and 'HTTP 503' in caplog.text
    assert PASSWORD not in caplog.text


@pytest.mark.asyncio
async def test_an_expired_login_token_is_renewed(sim, args):
    running = Running(args)
    await running.quiet(2)
    # The source's token stops working (as it does after an hour).
    token = sim.requests(path='/api/stats')[-1]['headers']['Authorization']
    assert DashboardClient(sim.url).deauthorize(token)
    send(sim, 'later@example.com')
    [event] = await running.take(1)
    assert event['recipient'] == 'later@example.com'
    await running.stop()
    assert len(sim.requests(path='/api/authorize')) == 2


@pytest.mark.asyncio
async def test_an_api_token_from_the_environment(sim, monkeypatch):
    client = DashboardClient(sim.url)
    token = client.authorize(EMAIL, PASSWORD)
    monkeypatch.setenv('TURBOSMTP_API_TOKEN', token)
    monkeypatch.setenv('TURBOSMTP_DASHBOARD_URL', sim.url)
    running = Running({'interval': POLL, 'lookback': 5})
    send(sim, 'env@example.com')
    [event] = await running.take(1)
    assert event['recipient'] == 'env@example.com'
    await running.stop()
    assert sim.requests(path='/api/authorize')[-1:] == sim.requests(path='/api/authorize')[:1]
    assert all(request['headers'].get('Authorization') == token for request in sim.requests(path='/api/stats'))


@pytest.mark.parametrize('bad, message', [
    ({'status': ['DELIVERED']}, 'status contains'),
    ({'start': 'yesterday'}, 'start must be'),
    ({'start': START, 'lookback': 60}, 'mutually exclusive'),
    ({'email': None}, 'set api_token'),
    ({'interval': -1}, 'interval must be positive'),
])
def test_bad_args_fail_before_any_request(sim, args, bad, message):
    with pytest.raises(ValueError, match=message):
        asyncio.run(events.main(asyncio.Queue(), dict(args, **bad)))
    assert sim.requests() == []


def test_overlap_rereads_a_window_without_repeating_rows():
    """A row that first matches the filter after the cursor moved on is still emitted once, thanks to overlap."""
    start = events.parse_send_time('2026-06-30T10:00:00.000Z')
    position = events.Position(start)
    overlap = events.timedelta(seconds=600)
    first = {'id': 1, 'sendTime': '2026-06-30T10:01:00.000Z', 'status': 'FAIL'}
    newest = {'id': 3, 'sendTime': '2026-06-30T10:05:00.500Z', 'status': 'FAIL'}
    assert position.new_rows([newest, first], overlap) == ([first, newest], [])
    # Row 2 was sent before row 3 but failed only later; the next poll reads from 09:55:00 again.
    late = {'id': 2, 'sendTime': '2026-06-30T10:03:00.000Z', 'status': 'FAIL'}
    assert position.new_rows([newest, late, first], overlap) == ([late], [])
    assert position.cursor == events.parse_send_time(newest['sendTime'])
    # Rows older than the window are forgotten, so the state stays small.
    position.new_rows([{'id': 9, 'sendTime': '2026-06-30T11:00:00.000Z', 'status': 'FAIL'}], overlap)
    assert [key[0] for key in position.emitted] == ['9']


@pytest.mark.asyncio
async def test_status_may_be_a_comma_separated_string(sim, args):
    running = Running(dict(args, start=START, status='sysfail'))
    expected = seeded_rows(sim, ['SYSFAIL'])
    emitted = await running.take(len(expected))
    assert {row['status'] for row in emitted} == {'SYSFAIL'}
    assert await running.quiet(2) == []
    await running.stop()
