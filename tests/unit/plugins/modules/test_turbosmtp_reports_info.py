"""turbosmtp_reports_info returns every matching report across all pages, the count, or a CSV
export, and rejects bad input before any request."""

import csv

import pytest

from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_reports_info import main

LOGIN = ('POST', '/api/authorize')
LOGOUT = ('POST', '/api/deauthorize')
WHOLE_WINDOW = dict(start='2026-01-01', end='2026-06-30', tz='+00:00')


@pytest.fixture
def big_sim(sim):
    """2495 reports per stored type: bounce (hard + soft) is 250 pages of 20, the last one short (a full last page makes the client look one page further)."""
    sim.reset(reports_per_type=2495)
    return sim


def calls(sim):
    return [(record['method'], record['path']) for record in sim.requests()]


def page_numbers(sim, path):
    return sorted(int(r['query']['page']) for r in sim.requests(path=path) if r['path'] == path)


def test_whole_history_across_hundreds_of_pages(big_sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, type='bounce', all=True, concurrency=8))

    assert not failed, result
    assert result['changed'] is False
    assert result['count'] == 4990
    assert result['reports'] == big_sim.world.query_reports('bounce')
    assert len(set(row['cid'] for row in result['reports'])) == 4990
    assert page_numbers(big_sim, '/web/api/reports/bounce/all') == list(range(1, 251))
    assert calls(big_sim)[:2] == [LOGIN, ('GET', '/web/api/reports/bounce/all/count')]
    assert calls(big_sim)[-1] == LOGOUT
    assert len(big_sim.requests()) == 1 + 1 + 250 + 1


def test_date_range_across_hundreds_of_pages(big_sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, type='bounce', **WHOLE_WINDOW))

    assert not failed, result
    assert result['reports'] == big_sim.world.query_reports('bounce')
    assert result['count'] == 4990
    assert page_numbers(big_sim, '/web/api/reports/bounce') == list(range(1, 251))
    assert all(r['query']['start'] == '2026-01-01' and r['query']['end'] == '2026-06-30' and r['query']['tz'] == '+00:00'
               for r in big_sim.requests(path='/web/api/reports/'))


def test_date_range_selects_only_those_days(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, type='spam', start='2026-03-01', end='2026-03-31', tz='+00:00'))

    assert not failed, result
    expected = [row for row in sim.world.query_reports('spam') if row['ts'].startswith('2026-03')]
    assert expected
    assert result['reports'] == expected
    assert result['count'] == len(expected)


def test_filter_matches_the_email(sim, run_module, credentials):
    needle = sim.world.query_reports('unsub')[0]['email'].split('@')[1]

    result, failed = run_module(main, dict(credentials, type='unsub', all=True, filter=needle))

    assert not failed, result
    assert result['reports'] == sim.world.query_reports('unsub', text=needle)
    assert all(needle in row['email'] for row in result['reports'])
    assert all(r['query']['filter'] == needle for r in sim.requests(path='/web/api/reports/'))


def test_limit_fetches_only_the_pages_needed(big_sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, type='hardbounce', all=True, limit=45))

    assert not failed, result
    assert result['reports'] == big_sim.world.query_reports('hardbounce')[:45]
    assert result['count'] == 2495
    assert page_numbers(big_sim, '/web/api/reports/hardbounce/all') == [1, 2, 3]


def test_count_only_makes_only_the_count_request(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, type='spam', count_only=True, **WHOLE_WINDOW), check_mode=True)

    assert not failed, result
    assert result['count'] == 60
    assert 'reports' not in result
    assert calls(sim) == [LOGIN, ('GET', '/web/api/reports/spam/count'), LOGOUT]


@pytest.mark.parametrize('selection, path', [
    (dict(all=True), '/web/api/reports/bounce/all'),
    (WHOLE_WINDOW, '/web/api/reports/bounce'),
])
def test_csv_export_is_complete(big_sim, run_module, credentials, tmp_path, selection, path):
    dest = tmp_path / 'reports.csv'

    result, failed = run_module(main, dict(credentials, type='bounce', csv_dest=str(dest), **selection))

    assert not failed, result
    with open(str(dest)) as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ['cid', 'email', 'ts', 'response']
    assert result['count'] == 4990
    assert len(rows) == result['count'] + 1
    assert [int(row[0]) for row in rows[1:]] == [row['cid'] for row in big_sim.world.query_reports('bounce')]
    assert result['csv_bytes'] == dest.stat().st_size
    assert 'reports' not in result
    assert calls(big_sim) == [LOGIN, ('GET', path + '/count'), ('GET', path + '/csv'), LOGOUT]


def test_csv_export_in_check_mode_writes_nothing(sim, run_module, credentials, tmp_path):
    dest = tmp_path / 'reports.csv'

    result, failed = run_module(main, dict(credentials, type='spam', all=True, csv_dest=str(dest)), check_mode=True)

    assert not failed, result
    assert result['count'] == 60
    assert not dest.exists()
    assert calls(sim) == [LOGIN, ('GET', '/web/api/reports/spam/all/count'), LOGOUT]


def test_all_false_beside_a_range_reads_the_range(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, type='spam', all=False, count_only=True, **WHOLE_WINDOW))

    assert not failed, result
    assert calls(sim)[1] == ('GET', '/web/api/reports/spam/count')


@pytest.mark.parametrize('args, option', [
    (dict(type='spam', start='2026-03-02', end='2026-03-01'), 'end'),
    (dict(type='spam', start='2026-13-01', end='2026-12-01'), 'start'),
    (dict(type='spam', start='2026-03-01 00:00:00', end='2026-03-02'), 'start'),
    (dict(type='spam', start='2026-03-01', end='03/02/2026'), 'end'),
    (dict(type='spam', all=True, tz='+25:00'), 'tz'),
    (dict(type='spam', all=True, limit=0), 'limit'),
    (dict(type='spam', all=True, concurrency=64), 'concurrency'),
    (dict(type='spam', all=True, start='2026-03-01', end='2026-03-02'), 'all'),
    (dict(type='spam'), 'all'),
    (dict(type='spam', all=False), 'all'),
    (dict(type='spam', start='2026-03-01'), 'end'),
    (dict(type='spamtrap', all=True), 'type'),
    (dict(all=True), 'type'),
    (dict(type='spam', all=True, limit=5, csv_dest='/tmp/reports.csv'), 'csv_dest'),
])
def test_bad_input_fails_naming_the_option_before_any_request(sim, run_module, credentials, args, option):
    result, failed = run_module(main, dict(credentials, **args))

    assert failed
    assert option in result['msg']
    assert sim.requests() == []
