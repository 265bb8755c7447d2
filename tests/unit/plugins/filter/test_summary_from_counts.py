"""turbosmtp_stats_info summary: true, against the simulator: the filter's summary of the same rows, built from
count requests only, a bounded number of them whatever the volume."""

import pytest

from ansible_collections.turbosmtp.api.plugins.filter.stats_summary import stats_summary
from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_stats_info
from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_stats_info import StatsInfo
from ansible_collections.turbosmtp.api.plugins.plugin_utils.in_process import run_module_in_process
from simulator import Simulator

COUNT_PATH = '/api/stats/panes/emails/count'
ROWS_PATH = '/api/stats/panes/emails'


@pytest.fixture
def busy_sim(sim):
    """The session's simulator with about 110 messages a day over its half year."""
    sim.reset(stats_rows=20000)
    return sim


def selection(start, end, tz=None, status=None, status_group=None):
    options = dict(start=start, end=end)
    for name, value in (('tz', tz), ('status', status), ('status_group', status_group)):
        if value is not None:
            options[name] = value
    return options


@pytest.mark.parametrize('options', [
    selection('2026-06-24', '2026-06-30', tz='+00:00'),
    # Without tz the API reads the range in +01:00, and the days are its days.
    selection('2026-06-24 13:30:00', '2026-06-27 08:15:00'),
    selection('2026-03-28', '2026-03-31', tz='-05:30', status=['fail', 'OPEN']),
    selection('2026-01-01', '2026-01-02', tz='+14:00', status_group='bounce'),
    selection('2026-06-30 02:00:00', '2026-06-30 11:59:59', tz='-12:00', status_group='delivered'),
    selection('2026-02-27', '2026-03-02', tz='+05:45', status=['DEFER']),
])
def test_the_summary_is_the_filters_summary_of_the_same_rows(run_module, credentials, busy_sim, options):
    rows, failed = run_module(turbosmtp_stats_info.main, dict(credentials, **options))
    assert not failed, rows
    assert rows['count'] > 0
    busy_sim.clear_requests()

    counted, failed = run_module(turbosmtp_stats_info.main, dict(credentials, summary=True, **options))

    assert not failed, counted
    assert counted['summary'] == stats_summary(rows['emails'], tz=options.get('tz', '+01:00'))
    assert counted['count'] == counted['summary']['total'] == rows['count']
    assert 'emails' not in counted
    assert busy_sim.requests(path=ROWS_PATH + '?') == []
    assert {request['path'] for request in busy_sim.requests(path=ROWS_PATH)} == {COUNT_PATH}


@pytest.mark.parametrize('options, requests', [
    # A week: one count per status per day, and one for the whole range.
    (selection('2026-06-24', '2026-06-30', tz='+00:00'), 7 * 9 + 1),
    # Only the selected statuses are counted.
    (selection('2026-06-24', '2026-06-30', tz='+00:00', status_group='bounce'), 7 * 2 + 1),
    # A range that starts and ends inside days touches each of them.
    (selection('2026-06-24 23:00:00', '2026-06-25 00:59:59', status=['SUCCESS']), 2 * 1 + 1),
])
def test_requests_are_counts_only_and_bounded_by_the_days(run_module, credentials, busy_sim, options, requests):
    result, failed = run_module(turbosmtp_stats_info.main, dict(credentials, summary=True, concurrency=8, **options))

    assert not failed, result
    made = busy_sim.requests(path='/api/stats')
    assert len(made) == requests
    assert {request['path'] for request in made} == {COUNT_PATH}
    days = {request['query']['start'][:10] for request in made}
    assert len(made) <= 10 * len(days) + 10


def test_check_mode_reads_the_same_summary(run_module, credentials, busy_sim):
    options = dict(credentials, summary=True, **selection('2026-06-24', '2026-06-30', tz='+00:00'))
    normal, failed = run_module(turbosmtp_stats_info.main, options)
    checked, failed = run_module(turbosmtp_stats_info.main, options, check_mode=True)

    assert checked == normal
    assert checked['changed'] is False


def test_statuses_that_do_not_add_up_to_the_total_are_warned_about(credentials, busy_sim):
    options = dict(credentials, summary=True, concurrency=1, **selection('2026-06-30', '2026-06-30', tz='+00:00',
                                                                         status=['SUCCESS']))
    honest = run_module_in_process(StatsInfo, 'turbosmtp.api.turbosmtp_stats_info', options, False, False)
    successes = honest['summary']['by_status']['SUCCESS']
    assert successes > 0 and not honest.get('warnings')
    # The day's SUCCESS count comes first: answered 0, as if the API had put those messages under a status
    # the collection does not know, while the range's own count still holds them.
    busy_sim.add_fault('body', method='GET', path=COUNT_PATH + '$', body={'count': 0})

    result = run_module_in_process(StatsInfo, 'turbosmtp.api.turbosmtp_stats_info', options, False, False)

    assert not result.get('failed'), result
    assert result['summary']['total'] == successes
    assert result['summary']['by_status'] == {}
    [warning] = result['warnings']
    assert 'the API counts %d messages from 2026-06-30 00:00:00 to 2026-06-30 23:59:59 (tz +00:00)' % successes in warning
    assert 'add up to 0, %d fewer' % successes in warning


@pytest.mark.parametrize('conflict', [dict(last=10), dict(limit=5), dict(count_only=True), dict(csv_dest='/tmp/x.csv')])
def test_summary_is_a_way_of_reading_of_its_own(run_module, credentials, sim, conflict):
    options = dict(credentials, summary=True, **conflict)
    if 'last' not in conflict:
        options.update(selection('2026-06-24', '2026-06-30'))

    result, failed = run_module(turbosmtp_stats_info.main, options)

    assert failed
    assert 'mutually exclusive' in result['msg'] and 'summary' in result['msg']
    assert sim.requests(path='/api') == []


def test_a_million_message_week_costs_what_a_hundred_do(run_module, simulator):
    week = selection('2026-06-24', '2026-06-30', tz='+00:00')
    summaries = {}
    for messages in (100, 1000000):
        with Simulator(port=0, stats_rows=messages, stats_window=['2026-06-24', '2026-07-01']) as volume:
            result, failed = run_module(turbosmtp_stats_info.main, dict(
                dashboard_url=volume.url, email='ops@example.com', password='sim-password', summary=True, **week))
            assert not failed, result
            summaries[messages] = result['summary'], len(volume.requests(path='/api/stats'))

    for messages, (summary, requests) in summaries.items():
        assert summary['total'] == messages
        assert sum(day['total'] for day in summary['by_day']) == messages
        assert requests == 64
    assert summaries[1000000][0]['rates'] == {'delivered': 0.74, 'read': 0.36, 'bounce': 0.16}
