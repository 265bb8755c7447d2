"""turbosmtp_stats_info returns every matching row across all pages, the count, or a CSV export,
and rejects bad input before any request."""

import csv
import json

import pytest

from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_stats_info import main

# Seeded data lies within 2026-01-01..2026-06-30 UTC; this range holds all of it.
EVERYTHING = dict(start='2025-12-01', end='2026-07-31', tz='+00:00')
LOGIN = ('POST', '/api/authorize')
LOGOUT = ('POST', '/api/deauthorize')


@pytest.fixture
def big_sim(sim):
    """2995 stats rows: 300 pages of 10, the last one short (a full last page makes the client look one page further)."""
    sim.reset(stats_rows=2995)
    return sim


def calls(sim):
    return [(record['method'], record['path']) for record in sim.requests()]


def all_rows(sim, statuses=None):
    return list(sim.world.stats(statuses=statuses))


def test_every_row_across_hundreds_of_pages_in_api_order(big_sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, concurrency=8, **EVERYTHING))

    assert not failed, result
    assert result['changed'] is False
    assert result['count'] == 2995
    assert result['emails'] == all_rows(big_sim)
    assert len(set(row['id'] for row in result['emails'])) == 2995
    pages = big_sim.requests(path='/api/stats/panes/emails', method='GET')
    assert sorted(int(r['query']['page']) for r in pages if 'page' in r['query']) == list(range(1, 301))
    assert calls(big_sim)[:2] == [LOGIN, ('GET', '/api/stats/panes/emails/count')]
    assert calls(big_sim)[-1] == LOGOUT
    assert len(big_sim.requests()) == 1 + 1 + 300 + 1


def test_range_query_values(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, start='2026-03-01', end='2026-03-01 12:30:00', tz='-05:30'))

    assert not failed, result
    query = sim.requests(path='/api/stats/panes/emails/count')[0]['query']
    assert query == {'start': '2026-03-01 00:00:00', 'end': '2026-03-01 12:30:00', 'tz': '-05:30'}


def test_bare_end_date_means_the_end_of_that_day(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, start='2026-03-01', end='2026-03-02'))

    assert not failed, result
    query = sim.requests(path='/api/stats/panes/emails/count')[0]['query']
    assert query == {'start': '2026-03-01 00:00:00', 'end': '2026-03-02 23:59:59'}


def test_limit_fetches_only_the_pages_needed(big_sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, limit=25, **EVERYTHING))

    assert not failed, result
    assert result['emails'] == all_rows(big_sim)[:25]
    assert result['count'] == 2995
    pages = [int(r['query']['page']) for r in big_sim.requests(path='/api/stats/panes/emails') if 'page' in r['query']]
    assert sorted(pages) == [1, 2, 3]


def test_count_only_makes_only_the_count_request(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, count_only=True, **EVERYTHING))

    assert not failed, result
    assert result['count'] == 250
    assert 'emails' not in result
    assert calls(sim) == [LOGIN, ('GET', '/api/stats/panes/emails/count'), LOGOUT]


@pytest.mark.parametrize('status, sent_filter', [
    (['CLICK'], '"CLICK"'),
    (['success', 'OPEN'], '["SUCCESS","OPEN"]'),
])
def test_status_sends_the_json_filter_and_returns_only_those(sim, run_module, credentials, status, sent_filter):
    result, failed = run_module(main, dict(credentials, status=status, **EVERYTHING))

    assert not failed, result
    wanted = json.loads(sent_filter)
    wanted = [wanted] if isinstance(wanted, str) else wanted
    assert all(r['query']['filter'] == sent_filter for r in sim.requests(path='/api/stats/'))
    assert result['emails'] == all_rows(sim, wanted)
    assert result['emails'] and set(row['status'] for row in result['emails']) <= set(wanted)
    assert result['count'] == len(result['emails'])


@pytest.mark.parametrize('group, statuses', [
    ('bounce', ['FAIL', 'SYSFAIL']),
    ('queued', ['NEW', 'DEFER']),
    ('read', ['OPEN', 'CLICK', 'UNSUB', 'REPORT']),
])
def test_status_group_sends_its_statuses(sim, run_module, credentials, group, statuses):
    result, failed = run_module(main, dict(credentials, status_group=group, **EVERYTHING))

    assert not failed, result
    assert all(json.loads(r['query']['filter']) == statuses for r in sim.requests(path='/api/stats/'))
    assert result['emails'] == all_rows(sim, statuses)
    assert set(row['status'] for row in result['emails']) <= set(statuses)


def test_last_reads_the_email_feed(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, last=20), check_mode=True)

    assert not failed, result
    assert result['emails'] == all_rows(sim)[:20]
    assert result['count'] == 20
    assert calls(sim) == [LOGIN, ('GET', '/api/stats/email-feed-last/20'), LOGOUT]


def test_csv_export_is_complete(big_sim, run_module, credentials, tmp_path):
    dest = tmp_path / 'stats.csv'

    result, failed = run_module(main, dict(credentials, csv_dest=str(dest), status_group='delivered', **EVERYTHING))

    assert not failed, result
    with open(str(dest)) as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ['id', 'subject', 'sender', 'recipient', 'sendTime', 'status', 'error']
    assert len(rows) == result['count'] + 1
    assert result['count'] == len(all_rows(big_sim, ['SUCCESS', 'OPEN', 'CLICK', 'UNSUB', 'REPORT']))
    assert [int(row[0]) for row in rows[1:]] == [row['id'] for row in all_rows(big_sim, ['SUCCESS', 'OPEN', 'CLICK', 'UNSUB', 'REPORT'])]
    assert result['csv_bytes'] == dest.stat().st_size
    assert result['csv_dest'] == str(dest)
    assert 'emails' not in result
    assert calls(big_sim) == [LOGIN, ('GET', '/api/stats/panes/emails/count'), ('GET', '/api/stats/emails/csv'), LOGOUT]
    export_query = big_sim.requests(path='/api/stats/emails/csv')[0]['query']
    assert export_query == {'start_date': '2025-12-01 00:00:00', 'end_date': '2026-07-31 23:59:59', 'tz': '+00:00',
                            'filter': '["SUCCESS","OPEN","CLICK","UNSUB","REPORT"]'}


def test_csv_export_in_check_mode_writes_nothing(sim, run_module, credentials, tmp_path):
    dest = tmp_path / 'stats.csv'

    result, failed = run_module(main, dict(credentials, csv_dest=str(dest), **EVERYTHING), check_mode=True)

    assert not failed, result
    assert result['count'] == 250
    assert not dest.exists()
    assert sim.requests(path='/api/stats/emails/csv') == []


@pytest.mark.parametrize('args, option', [
    (dict(last=15), 'last'),
    (dict(start='2026-03-02', end='2026-03-01'), 'end'),
    (dict(start='2026-03-01 10:00:00', end='2026-03-01 09:59:59'), 'end'),
    (dict(EVERYTHING, status=['CLICK', 'BOGUS']), 'status'),
    (dict(EVERYTHING, status_group='everything'), 'status_group'),
    (dict(start='yesterday', end='2026-03-01'), 'start'),
    (dict(start='2026-03-01', end='2026-02-30'), 'end'),
    (dict(start='2026-03-01', end='2026-03-01 25:00:00'), 'end'),
    (dict(EVERYTHING, tz='+1'), 'tz'),
    (dict(EVERYTHING, tz='UTC'), 'tz'),
    (dict(EVERYTHING, limit=0), 'limit'),
    (dict(EVERYTHING, limit=-5), 'limit'),
    (dict(EVERYTHING, concurrency=0), 'concurrency'),
    (dict(EVERYTHING, concurrency=33), 'concurrency'),
    (dict(start='2026-03-01'), 'end'),
    (dict(), 'last'),
    (dict(EVERYTHING, last=10), 'last'),
    (dict(EVERYTHING, status=['CLICK'], status_group='read'), 'status_group'),
    (dict(EVERYTHING, count_only=True, csv_dest='/tmp/stats.csv'), 'csv_dest'),
    (dict(EVERYTHING, csv_dest='/nonexistent-dir/stats.csv'), 'csv_dest'),
])
def test_bad_input_fails_naming_the_option_before_any_request(sim, run_module, credentials, args, option):
    result, failed = run_module(main, dict(credentials, **args))

    assert failed
    assert option in result['msg']
    assert sim.requests() == []
