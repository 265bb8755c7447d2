"""turbosmtp_report_cleanup against the simulator: what is deleted, check mode and the idempotent rerun."""

import calendar

import pytest

from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_report_cleanup


@pytest.fixture
def cleanup(run_module, credentials):
    def run(args, **kwargs):
        return run_module(turbosmtp_report_cleanup.main, dict(credentials, **args), **kwargs)
    return run


def cids(sim, report_type, *args):
    return [str(row['cid']) for row in sim.world.query_reports(report_type, *args)]


def deletes(sim):
    return sim.requests(method='DELETE')


def deleted_ids(sim):
    return [cid for request in deletes(sim) for cid in request['query']['ids'].split(',')]


def test_by_ids_deletes_those_that_exist_and_ignores_the_rest(cleanup, sim):
    before = cids(sim, 'unsub')
    wanted = [before[3], int(before[10]), '999', before[3]]
    result, failed = cleanup(dict(type='unsub', ids=wanted))
    assert not failed, result
    assert result['changed'] is True
    assert result['ids'] == [before[3], before[10]] and result['deleted'] == 2
    assert sorted(deleted_ids(sim)) == sorted([before[3], before[10]])
    assert cids(sim, 'unsub') == [cid for cid in before if cid not in (before[3], before[10])]


@pytest.mark.parametrize('selection', [
    dict(start='2026-03-01', end='2026-04-30'),
    dict(ids=['placeholder']),
], ids=['range', 'ids'])
def test_all_false_is_the_same_as_leaving_all_unset(cleanup, sim, selection):
    # So that a playbook can template all; only all: true selects the whole history.
    if 'ids' in selection:
        selection = dict(ids=cids(sim, 'softbounce')[:2])
    unset, failed = cleanup(dict(type='softbounce', **selection), check_mode=True)
    assert not failed, unset
    sim.clear_requests()

    result, failed = cleanup(dict(type='softbounce', all=False, **selection))

    assert not failed, result
    assert result['changed'] is True and 0 < result['deleted'] < 60
    assert result['ids'] == unset['ids']
    assert sorted(deleted_ids(sim)) == sorted(unset['ids'])
    assert len(cids(sim, 'softbounce')) == 60 - result['deleted']


def test_by_ids_rerun_changes_nothing(cleanup, sim):
    target = cids(sim, 'spam')[:2]
    cleanup(dict(type='spam', ids=target))
    sim.clear_requests()
    result, failed = cleanup(dict(type='spam', ids=target))
    assert not failed and result['changed'] is False
    assert result['deleted'] == 0 and result['ids'] == []
    assert deletes(sim) == []


def test_by_range_with_filter(cleanup, sim):
    # The days are read at +01:00 (the API's default offset); the simulator keeps UTC epoch seconds.
    start = calendar.timegm((2026, 3, 1, 0, 0, 0)) - 3600
    end = calendar.timegm((2026, 5, 1, 0, 0, 0)) - 3600
    expected = cids(sim, 'hardbounce', start, end, 'example')
    assert 0 < len(expected) < len(cids(sim, 'hardbounce'))
    result, failed = cleanup(dict(type='hardbounce', start='2026-03-01', end='2026-04-30', filter='example'))
    assert not failed, result
    assert result['ids'] == expected and result['deleted'] == len(expected)
    assert sorted(deleted_ids(sim)) == sorted(expected)
    assert cids(sim, 'hardbounce', start, end, 'example') == []
    listed = sim.requests('/web/api/reports/hardbounce', method='GET')
    assert all(request['query'].get('filter') == 'example' and request['query']['start'] == '2026-03-01'
               and request['query']['end'] == '2026-04-30' for request in listed)


def test_all_bounces_in_small_batches(cleanup, sim):
    total = len(cids(sim, 'bounce'))
    result, failed = cleanup(dict(type='bounce', all=True, batch_size=25, concurrency=3))
    assert not failed, result
    assert result['deleted'] == total == len(set(result['ids']))
    assert len(deletes(sim)) == -(-total // 25)
    assert all(len(request['query']['ids'].split(',')) <= 25 for request in deletes(sim))
    assert cids(sim, 'hardbounce') == [] and cids(sim, 'softbounce') == []


def test_all_spam_uses_the_dedicated_endpoint(cleanup, sim):
    expected = cids(sim, 'spam')
    result, failed = cleanup(dict(type='spam', all=True))
    assert not failed, result
    assert result['ids'] == expected and result['deleted'] == len(expected)
    assert [request['path'] for request in deletes(sim)] == ['/web/api/reports/spam/all']
    assert cids(sim, 'spam') == []
    sim.clear_requests()
    again, failed = cleanup(dict(type='spam', all=True))
    assert not failed and again['changed'] is False and again['deleted'] == 0
    assert deletes(sim) == []


def test_all_spam_with_a_filter_deletes_only_what_matches(cleanup, sim):
    expected = cids(sim, 'spam', None, None, 'hooli')
    result, failed = cleanup(dict(type='spam', all=True, filter='hooli'))
    assert not failed, result
    assert result['ids'] == expected
    assert [request['path'] for request in deletes(sim)] == ['/web/api/reports/spam']
    assert len(cids(sim, 'spam')) == 60 - len(expected)


def test_check_mode_deletes_nothing_and_says_what_it_would(cleanup, sim):
    expected = cids(sim, 'unsub')
    result, failed = cleanup(dict(type='unsub', all=True), check_mode=True, diff=True)
    assert not failed, result
    assert result['changed'] is True and result['deleted'] == len(expected) and result['ids'] == expected
    assert result['diff'] == {'before': {'ids': expected}, 'after': {'ids': []}}
    assert deletes(sim) == []
    assert cids(sim, 'unsub') == expected


@pytest.mark.parametrize('args, error', [
    (dict(type='bounce', start='2026-03-10', end='2026-03-01'), 'end (2026-03-01'),
    (dict(type='bounce', start='2026-03-01', end='yesterday'), 'end must be a date'),
    (dict(type='bounce', start='2026-03-01', end='2026-03-02', tz='CET'), 'tz must be a UTC offset'),
    (dict(type='bounce', ids=['12', 'x1']), "ids[1]: 'x1' is not a report id"),
    (dict(type='bounce', all=False), 'one of ids, start and end, or all: true is required'),
    (dict(type='bounce', ids=['1'], all=True), 'only one of ids, start and end, or all: true may be set, got ids together with all'),
    (dict(type='bounce', ids=['1'], start='2026-03-01', end='2026-03-02'), 'mutually exclusive'),
    (dict(type='bounce', all=True, start='2026-03-01', end='2026-03-02'), 'got start and end together with all: true'),
    (dict(type='bounce', ids=['1'], filter='x'), 'parameters are mutually exclusive'),
    (dict(type='bounce', start='2026-03-01'), 'parameters are required together'),
    (dict(type='bounce'), 'one of ids, start and end, or all: true is required'),
    (dict(type='bounce', all=True, batch_size=0), 'batch_size must be 1 or more'),
    (dict(type='bounce', all=True, concurrency=0), 'concurrency must be between 1 and 32, got 0'),
    (dict(type='bounce', all=True, concurrency=33), 'concurrency must be between 1 and 32, got 33'),
])
def test_bad_input_fails_before_any_request(cleanup, sim, args, error):
    result, failed = cleanup(args)
    assert failed
    assert error in result['msg'], result['msg']
    assert sim.requests() == []
