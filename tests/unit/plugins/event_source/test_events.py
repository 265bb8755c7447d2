"""turbosmtp.api.events: the polling source against the simulator, run as ansible-rulebook runs it - in-process
as a task, and as the installed file loaded with runpy in a process without PYTHONPATH."""

import asyncio
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
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


REPO = Path(__file__).resolve().parents[4]


TOKEN_LIFETIME = 3600


# What ansible-rulebook's engine does with a source (engine.py: module = runpy.run_path(find_source(...));
# await module['main'](queue, args)), with a queue that prints each event as one JSON line.
# SIGINT as in a foreground ansible-rulebook: a suite started in the background (`cmd &`) hands its children
# SIGINT ignored, and asyncio cancels the source on SIGINT only where Python's default handler is in place.
RUNNER = '''
import asyncio, json, runpy, signal, sys

signal.signal(signal.SIGINT, signal.default_int_handler)
source = runpy.run_path(sys.argv[1])


class PrintingQueue:
    async def put(self, event):
        print(json.dumps(event), flush=True)


asyncio.run(source['main'](PrintingQueue(), json.loads(sys.argv[2])))
'''


@pytest.fixture
def installed(tmp_path):
    """The collection copied to <root>/ansible_collections/turbosmtp/api, as ansible-galaxy installs it."""
    collection = tmp_path / 'collections' / 'ansible_collections' / 'turbosmtp' / 'api'
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
    for part in ('plugins', 'extensions', 'meta'):
        shutil.copytree(str(REPO / part), str(collection / part), ignore=ignore)
    shutil.copy(str(REPO / 'galaxy.yml'), str(collection / 'galaxy.yml'))
    return collection / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'events.py'


@pytest.fixture
def bare_env(tmp_path):
    """An environment like a plain ansible-rulebook host: no PYTHONPATH, no collection settings."""
    env = dict((name, value) for name, value in os.environ.items()
               if name != 'PYTHONPATH' and not name.startswith(('TURBOSMTP_', 'ANSIBLE_')))
    workdir = tmp_path / 'elsewhere'
    workdir.mkdir()
    return env, str(workdir)


def start_source(source_file, args, env, cwd):
    return subprocess.Popen([sys.executable, '-c', RUNNER, str(source_file), json.dumps(args)], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def read_events(process, count):
    events = []
    for _event in range(count):
        line = process.stdout.readline()
        if not line:
            process.wait(10)
            pytest.fail('the source ended early (status %s): %s' % (process.returncode, process.stderr.read()))
        events.append(json.loads(line))
    return events


def stop(process, signum):
    process.send_signal(signum)
    try:
        process.wait(20)
    finally:
        if process.poll() is None:
            process.kill()
    return process.stderr.read()


@pytest.fixture
def source_args(sim):
    return dict(dashboard_url=sim.url, email=EMAIL, password=PASSWORD, interval=0.2, retries=0, start=START)


def seeded_count(sim):
    from ansible_collections.turbosmtp.api.plugins.module_utils.client import DashboardClient
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    try:
        params = {'start': START, 'end': '2026-12-31 23:59:59', 'tz': '+00:00'}
        return client.stats_count(params)
    finally:
        client.close()


class TestPolling:
    """Every new stats row is emitted once, oldest first, with the credentials given."""

    @pytest.mark.asyncio
    async def test_rows_are_emitted_once_oldest_first_and_the_token_is_revoked(self, sim, args):
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
    async def test_a_sent_message_appears_as_an_event(self, sim, args):
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
    async def test_status_filter(self, sim, args):
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
    async def test_status_may_be_a_comma_separated_string(self, sim, args):
        running = Running(dict(args, start=START, status='sysfail'))
        expected = seeded_rows(sim, ['SYSFAIL'])
        emitted = await running.take(len(expected))
        assert {row['status'] for row in emitted} == {'SYSFAIL'}
        assert await running.quiet(2) == []
        await running.stop()

    @pytest.mark.asyncio
    async def test_rows_that_share_an_id_are_each_emitted_once(self, sim, args):
        rows = rows_sharing_an_id()
        answer_rows(sim, rows)
        running = Running(args)
        emitted = await running.take(2)
        assert sorted(event['recipient'] for event in emitted) == ['andrea@example.com', 'test-dev@example.com']
        # Read again by a later poll, they are still the same rows: nothing new.
        answer_rows(sim, rows)
        assert await running.quiet(4) == []
        await running.stop()

    def test_overlap_rereads_a_window_without_repeating_rows(self):
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
    async def test_an_expired_login_token_is_renewed(self, sim, args):
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
    async def test_an_api_token_from_the_environment(self, sim, monkeypatch):
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


class TestErrors:
    """API errors and odd answers are logged, and polling goes on."""

    @pytest.mark.asyncio
    async def test_api_errors_are_logged_and_polling_goes_on(self, sim, args, caplog):
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
    async def test_odd_answers_are_logged_and_polling_goes_on(self, sim, args, caplog):
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


class TestOptions:
    """Option values that cannot work stop the source before any request."""

    @pytest.mark.parametrize('bad, message', [
        ({'status': ['DELIVERED']}, 'status contains'),
        ({'start': 'yesterday'}, 'start must be'),
        ({'start': START, 'lookback': 60}, 'mutually exclusive'),
        ({'email': None}, 'set api_token'),
        ({'interval': -1}, 'interval must be positive'),
    ])
    def test_bad_args_fail_before_any_request(self, sim, args, bad, message):
        with pytest.raises(ValueError, match=message):
            asyncio.run(events.main(asyncio.Queue(), dict(args, **bad)))
        assert sim.requests() == []

    @pytest.mark.parametrize('bad, message', [
        ({'interval': 0}, 'interval must be positive, got 0'),
        ({'timeout': 0}, 'timeout must be positive, got 0'),
        ({'interval': 'soon'}, "interval must be a number, got 'soon'"),
        ({'retries': 1.5}, 'retries must be a whole number'),
        ({'retries': -1}, 'retries must be zero or more'),
        ({'overlap': -5}, 'overlap must be zero or more'),
        ({'lookback': float('inf')}, 'lookback must be a number'),
    ])
    def test_options_that_cannot_work_stop_the_source_before_any_request(self, sim, args, bad, message):
        # (Before, 0 meant "the default": the source started and polled every 60 seconds instead.)
        with pytest.raises(ValueError, match=message):
            asyncio.run(asyncio.wait_for(events.main(asyncio.Queue(), dict(args, **bad)), 10))
        assert sim.requests() == []


class TestStateFile:
    """state_file: a restart neither repeats nor skips rows."""

    @pytest.mark.asyncio
    async def test_restart_with_the_state_file_emits_no_duplicates(self, sim, args, tmp_path):
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
    async def test_a_restart_before_any_row_arrived_skips_nothing(self, sim, args, tmp_path):
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
    async def test_a_state_file_of_the_previous_version_still_loads(self, sim, args, tmp_path):
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

    def test_a_broken_state_file_is_named_at_start(self, sim, args, tmp_path):
        state_file = tmp_path / 'position.json'
        state_file.write_text('{"cursor": ')
        with pytest.raises(ValueError, match='cannot read state_file %s' % state_file):
            asyncio.run(events.main(asyncio.Queue(), dict(args, state_file=str(state_file))))
        assert sim.requests() == []

    @pytest.mark.asyncio
    async def test_a_stop_while_the_rulebook_queue_is_full_saves_exactly_what_it_took(self, sim, args, tmp_path):
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


class TestLoading:
    """The installed file loaded with runpy, without PYTHONPATH, and its token when the process is stopped or killed."""

    def test_without_pythonpath_the_collection_is_not_importable_otherwise(self, installed, bare_env):
        """The control for the next test: in this environment only the source's own fix can find the collection."""
        env, cwd = bare_env
        probe = subprocess.run([sys.executable, '-c', 'import ansible_collections.turbosmtp.api.plugins.module_utils.client'],
                               env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               check=False)
        assert probe.returncode != 0 and 'ModuleNotFoundError' in probe.stdout

    @pytest.mark.parametrize('preload', ['', 'other_collections'])
    def test_the_installed_file_loads_with_runpy_without_pythonpath(self, installed, bare_env, tmp_path, preload):
        """Also when another ansible_collections directory (the ansible package's, say) was imported first."""
        env, cwd = bare_env
        script = 'import runpy, sys\n'
        if preload:
            other = tmp_path / preload
            (other / 'ansible_collections' / 'community' / 'general').mkdir(parents=True)
            script += 'sys.path.append(%r)\nimport ansible_collections.community.general\n' % str(other)
        script += 'source = runpy.run_path(sys.argv[1])\nprint(source["DashboardClient"].__module__)\n'
        loaded = subprocess.run([sys.executable, '-c', script, str(installed)], env=env, cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, check=False)
        assert loaded.returncode == 0, loaded.stdout
        # (Where in module_utils the client lives is the collection's business; that it is the collection's is the point.)
        assert loaded.stdout.strip().startswith('ansible_collections.turbosmtp.api.plugins.module_utils.')

    def test_the_installed_source_runs_without_pythonpath_and_revokes_on_a_clean_stop(self, sim, installed, bare_env, source_args):
        env, cwd = bare_env
        expected = seeded_count(sim)
        assert expected >= 3
        sim.clear_requests()
        process = start_source(installed, source_args, env, cwd)
        events = read_events(process, expected)
        assert {event['source'] for event in events} == {'turbosmtp.api.events'}
        assert len({(event['id'], event['recipient']) for event in events}) == expected
        # SIGINT without a handler of the engine's: asyncio cancels the source, whose finally revokes the token.
        errors = stop(process, signal.SIGINT)
        assert 'ModuleNotFoundError' not in errors
        assert len(sim.requests(path='/api/deauthorize')) == 1
        assert sim.world.live_token_count() == 0

    def test_a_killed_source_leaves_only_a_token_that_expires_within_the_hour(self, sim, installed, bare_env, source_args):
        """ansible-rulebook ends on SIGTERM/SIGINT with status 143 before a source's finally runs; so does this."""
        env, cwd = bare_env
        process = start_source(installed, source_args, env, cwd)
        read_events(process, 1)
        stop(process, signal.SIGTERM)
        assert process.returncode == -signal.SIGTERM
        assert sim.requests(path='/api/deauthorize') == []
        # The source asked for an expiring token (never no_expire), so what a kill leaves behind dies on its own.
        [login] = sim.requests(path='/api/authorize')
        assert 'no_expire' not in (login['json'] or {})
        [expires] = list(sim.world.tokens.values())
        assert expires is not None and expires <= time.time() + TOKEN_LIFETIME + 5
        assert sim.world.live_token_count() == 1
        sim.advance_clock(TOKEN_LIFETIME + 1)
        assert sim.world.live_token_count() == 0

    def test_outside_a_collections_path_the_source_says_how_to_install_it(self, tmp_path, bare_env):
        env, cwd = bare_env
        loose = tmp_path / 'events.py'
        shutil.copy(str(REPO / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'events.py'), str(loose))
        process = start_source(loose, {}, env, cwd)
        process.wait(30)
        errors = process.stderr.read()
        assert process.returncode != 0
        assert 'ansible-galaxy collection install' in errors and str(loose) in errors


class TestSecrets:
    """Secrets never reach the log, even when the API repeats them; a URL with credentials is refused unseen."""

    @pytest.mark.parametrize('where', ['argument', 'environment'])
    def test_a_dashboard_url_with_user_information_is_refused_before_any_request(self, sim, args, monkeypatch, where):
        url = sim.url.replace('://', '://turbosmtp:url-s3cret@')
        if where == 'argument':
            args = dict(args, dashboard_url=url)
        else:
            args = dict(args, dashboard_url=None)
            monkeypatch.setenv('TURBOSMTP_DASHBOARD_URL', url)
        with pytest.raises(ValueError) as refused:
            asyncio.run(asyncio.wait_for(events.main(asyncio.Queue(), args), 10))
        assert 'turbosmtp.api.events: dashboard_url must not hold user information' in str(refused.value)
        assert 'url-s3cret' not in str(refused.value) and url not in str(refused.value)
        assert sim.requests() == []

    @pytest.mark.asyncio
    async def test_a_password_the_api_repeats_is_masked_in_the_log(self, sim, args, caplog):
        caplog.set_level(logging.DEBUG)
        # The answer repeats what was sent, as it is, URL-encoded and JSON-escaped.
        echo = 'Bad request: authpass=%s; form authpass=%s' % (PASSWORD, events_quote(PASSWORD))
        sim.add_fault('body', status=400, path='/api/stats/panes/emails/count', body={'errorCode': 7, 'message': echo})
        running = Running(args)
        await running.quiet(4)
        send(sim, 'after.echo@example.com')
        [event] = await running.take(1)
        assert event['recipient'] == 'after.echo@example.com'
        await running.stop()
        assert 'polling failed' in caplog.text and 'authpass=********' in caplog.text
        assert PASSWORD not in caplog.text and events_quote(PASSWORD) not in caplog.text

    @pytest.mark.asyncio
    async def test_an_api_token_the_api_repeats_is_masked_in_the_log(self, sim, token, caplog):
        caplog.set_level(logging.DEBUG)
        sim.add_fault('body', status=401, path='/api/stats/panes/emails/count',
                      body={'errorCode': 3, 'message': 'token %s is not valid for %s' % (token, sim.url.replace('://', '://u:p4ss@'))})
        running = Running({'api_token': token, 'dashboard_url': sim.url, 'interval': POLL, 'retries': 0})
        await running.quiet(4)
        await running.stop()
        assert 'polling failed' in caplog.text and 'token ******** is not valid' in caplog.text
        assert token not in caplog.text and 'p4ss' not in caplog.text

    @pytest.mark.asyncio
    async def test_the_login_token_the_source_obtained_is_masked_too(self, sim, args, caplog):
        caplog.set_level(logging.DEBUG)
        running = Running(args)
        await running.quiet(2)
        login_token = sim.requests(path='/api/stats')[-1]['headers']['Authorization']
        events.LOGGER.warning('an exception text with %s in it', login_token)
        await running.stop()
        assert 'an exception text with ******** in it' in caplog.text
        assert login_token not in caplog.text


def events_quote(text):
    from urllib.parse import quote_plus
    return quote_plus(text, safe='')


class TestStateDirectory:
    """A state_file in a directory that does not exist: the directory is made, or the source refuses to start naming it."""

    @pytest.mark.asyncio
    async def test_a_missing_directory_is_created_and_the_state_is_kept_there(self, sim, args, tmp_path):
        state_file = tmp_path / 'var' / 'lib' / 'eda' / 'turbosmtp-events.json'
        running = Running(dict(args, state_file=str(state_file)))
        await running.quiet(3)
        send(sim, 'kept@example.com')
        [event] = await running.take(1)
        await running.stop()
        assert event['recipient'] == 'kept@example.com'
        assert json.loads(state_file.read_text())['emitted'][0][2] == 'kept@example.com'
        assert (state_file.parent.stat().st_mode & 0o777) == 0o700

    def test_a_directory_that_cannot_be_created_stops_the_source_naming_it(self, sim, args, tmp_path):
        blocker = tmp_path / 'not-a-directory'
        blocker.write_text('a file where the directory should be')
        state_file = blocker / 'eda' / 'turbosmtp-events.json'
        with pytest.raises(ValueError) as refused:
            asyncio.run(asyncio.wait_for(events.main(asyncio.Queue(), dict(args, state_file=str(state_file))), 10))
        assert 'cannot create the directory %s of state_file %s' % (blocker / 'eda', state_file) in str(refused.value)
        assert sim.requests() == []

    def test_a_directory_that_is_not_writable_stops_the_source_naming_it(self, sim, args, tmp_path, monkeypatch):
        # (The tests may run as root, for whom every directory is writable: os.access answers as for another user.)
        directory = tmp_path / 'read-only'
        directory.mkdir()
        monkeypatch.setattr(events.os, 'access', lambda path, mode: str(path) != str(directory))
        state_file = directory / 'turbosmtp-events.json'
        with pytest.raises(ValueError, match='the directory %s of state_file %s is not writable by this user' % (directory, state_file)):
            asyncio.run(asyncio.wait_for(events.main(asyncio.Queue(), dict(args, state_file=str(state_file))), 10))
        assert sim.requests() == []
