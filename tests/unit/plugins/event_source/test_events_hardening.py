"""turbosmtp.api.events: rows that share an id, odd answers, options that cannot work, old state files."""

import asyncio
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.turbosmtp.api.extensions.eda.plugins.event_source import events
from simulator import PASSWORD
from ansible_collections.turbosmtp.api.tests.unit.plugins.event_source.test_events import POLL, START, Running, seeded_rows, send

COUNT_PATH = '/api/stats/panes/emails/count'
ROWS_PATH = '/api/stats/panes/emails$'


def rows_sharing_an_id():
    """Like the seed's own examples: one id, one sendTime, two different messages."""
    sent = (datetime.now(timezone.utc) + timedelta(seconds=5)).strftime('%Y-%m-%dT%H:%M:%S.000Z')
    common = dict(id=4612864212, sendTime=sent, status='SUCCESS', error=None)
    return [dict(common, subject='Last test for documentation', sender='chiara@example.com', recipient='andrea@example.com'),
            dict(common, subject='Test for documentation', sender='christian@example.com', recipient='test-dev@example.com')]


def answer_rows(sim, rows):
    sim.add_fault('body', path=COUNT_PATH, body={'count': len(rows)})
    sim.add_fault('body', path=ROWS_PATH, body=rows)


@pytest.mark.asyncio
async def test_rows_that_share_an_id_are_each_emitted_once(sim, args):
    rows = rows_sharing_an_id()
    answer_rows(sim, rows)
    running = Running(args)
    emitted = await running.take(2)
    assert sorted(event['recipient'] for event in emitted) == ['andrea@example.com', 'test-dev@example.com']
    # Read again by a later poll, they are still the same rows: nothing new.
    answer_rows(sim, rows)
    assert await running.quiet(4) == []
    await running.stop()


@pytest.mark.asyncio
async def test_odd_answers_are_logged_and_polling_goes_on(sim, args, caplog):
    caplog.set_level(logging.WARNING)
    sim.add_fault('body', path=COUNT_PATH, body=[])                              # a list where an object belongs
    answer_rows(sim, [{'id': 1}])                                               # a row without sendTime
    sim.add_fault('body', path=COUNT_PATH, body={'count': 3})
    sim.add_fault('body', path=ROWS_PATH, body={'rows': []})                    # an object where a list belongs
    answer_rows(sim, [7, 'text', None])                                          # rows that are not objects
    running = Running(args)
    await running.quiet(10)
    assert not running.task.done()
    assert sim.requests(path='/_sim') == [] and len(sim.requests(path=COUNT_PATH)) >= 5
    send(sim, 'after.odd.answers@example.com')
    [event] = await running.take(1)
    assert event['recipient'] == 'after.odd.answers@example.com'
    await running.stop()
    assert caplog.text.count('turbosmtp.api.events: polling failed') + caplog.text.count('turbosmtp.api.events: skipped') >= 4
    assert 'Traceback' not in caplog.text and PASSWORD not in caplog.text


@pytest.mark.parametrize('bad, message', [
    ({'interval': 0}, 'interval must be positive, got 0'),
    ({'timeout': 0}, 'timeout must be positive, got 0'),
    ({'interval': 'soon'}, "interval must be a number, got 'soon'"),
    ({'retries': 1.5}, 'retries must be a whole number'),
    ({'retries': -1}, 'retries must be zero or more'),
    ({'overlap': -5}, 'overlap must be zero or more'),
    ({'lookback': float('inf')}, 'lookback must be a number'),
])
def test_options_that_cannot_work_stop_the_source_before_any_request(sim, args, bad, message):
    # (Before, 0 meant "the default": the source started and polled every 60 seconds instead.)
    with pytest.raises(ValueError, match=message):
        asyncio.run(asyncio.wait_for(events.main(asyncio.Queue(), dict(args, **bad)), 10))
    assert sim.requests() == []


@pytest.mark.asyncio
async def test_a_state_file_of_the_previous_version_still_loads(sim, args, tmp_path):
    """Before, the state kept {"id": "sendTime"}; those rows are not emitted again after the upgrade."""
    expected = seeded_rows(sim)
    state_file = tmp_path / 'position.json'
    newest = events.parse_send_time(expected[-1]['sendTime'])
    state_file.write_text(json.dumps({
        'cursor': newest.isoformat(),
        'seen': dict((str(row['id']), events.parse_send_time(row['sendTime']).isoformat()) for row in expected),
    }))
    overlap = (newest - events.parse_send_time(expected[0]['sendTime'])).total_seconds() + 60
    running = Running(dict(args, state_file=str(state_file), overlap=overlap))
    assert await running.quiet(4) == []
    send(sim, 'after.upgrade@example.com')
    [event] = await running.take(1)
    assert event['recipient'] == 'after.upgrade@example.com'
    await running.stop()
    saved = json.loads(state_file.read_text())
    assert [key[2] for key in saved['emitted']] == ['after.upgrade@example.com']


def test_a_broken_state_file_is_named_at_start(sim, args, tmp_path):
    state_file = tmp_path / 'position.json'
    state_file.write_text('{"cursor": ')
    with pytest.raises(ValueError, match='cannot read state_file %s' % state_file):
        asyncio.run(events.main(asyncio.Queue(), dict(args, state_file=str(state_file))))
    assert sim.requests() == []


@pytest.mark.asyncio
async def test_a_stop_while_the_rulebook_queue_is_full_saves_exactly_what_it_took(sim, args, tmp_path):
    state_file = str(tmp_path / 'position.json')
    expected = seeded_rows(sim)
    queue = asyncio.Queue(maxsize=1)
    task = asyncio.create_task(events.main(queue, dict(args, start=START, state_file=state_file)))
    taken = [await asyncio.wait_for(queue.get(), 10)]
    await asyncio.sleep(POLL * 3)
    # The source now waits to hand over its third row; the second sits in the queue.
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    taken.append(queue.get_nowait())
    assert sim.world.live_token_count() == 0
    # A restart goes on with the third row: none is lost, none repeated.
    restarted = Running(dict(args, state_file=state_file))
    rest = await restarted.take(len(expected) - 2)
    assert await restarted.quiet() == []
    await restarted.stop()
    assert [row['id'] for row in taken + rest] == [row['id'] for row in expected]
