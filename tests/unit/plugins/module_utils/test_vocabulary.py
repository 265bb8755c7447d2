"""vocabulary.py, through the stats, reports and clean-up modules: the time zone and date options take a full
match and the real offset range, and any date a module refuses gets a message naming the option, before any
request goes out."""

import pytest

from ansible_collections.turbosmtp.api.plugins.modules import (
    turbosmtp_report_cleanup,
    turbosmtp_reports_info,
    turbosmtp_stats_info,
)

MODULES = {
    'stats': (turbosmtp_stats_info.main, dict(start='2026-03-01', end='2026-03-02'), False),
    'reports': (turbosmtp_reports_info.main, dict(type='spam', start='2026-03-01', end='2026-03-02'), False),
    'cleanup': (turbosmtp_report_cleanup.main, dict(type='bounce', start='2026-03-01', end='2026-03-02'), True),
}


def run(run_module, credentials, module, **options):
    main, args, check_mode = MODULES[module]
    return run_module(main, dict(credentials, **dict(args, **options)), check_mode=check_mode)


@pytest.mark.parametrize('module', sorted(MODULES))
@pytest.mark.parametrize('tz', ['+01:00\n', '+14:59', '+14:01', '-12:01', '-12:30', '+15:00', ' +01:00', '+01:00 '])
def test_a_time_zone_outside_the_real_offsets_fails_before_any_request(sim, run_module, credentials, module, tz):
    result, failed = run(run_module, credentials, module, tz=tz)
    assert failed
    assert result['msg'] == 'tz must be a UTC offset from -12:00 to +14:00 such as +01:00 or -05:30, got %r' % tz
    assert sim.requests() == []


@pytest.mark.parametrize('module', sorted(MODULES))
@pytest.mark.parametrize('tz', ['+14:00', '-12:00', '+05:45', '-00:00'])
def test_the_extreme_real_offsets_are_sent_as_given(sim, run_module, credentials, module, tz):
    result, failed = run(run_module, credentials, module, tz=tz)
    assert not failed, result
    queries = [request['query'] for request in sim.requests() if 'start' in request['query']]
    assert queries and all(query.get('tz') == tz for query in queries), queries


@pytest.mark.parametrize('module', sorted(MODULES))
@pytest.mark.parametrize('option, value', [('start', '0999-01-01'), ('start', '1899-12-31'), ('end', '0001-01-01')])
def test_a_date_before_1900_names_the_option(sim, run_module, credentials, module, option, value):
    result, failed = run(run_module, credentials, module, **{option: value})
    assert failed
    assert result['msg'] == '%s must be a date from 1900-01-01 on, got %r' % (option, value)
    assert sim.requests() == []


def test_a_stats_time_before_1900_names_the_option(sim, run_module, credentials):
    result, failed = run(run_module, credentials, 'stats', start='0999-12-31 23:59:59', end='2026-01-01 00:00:00')
    assert failed
    assert result['msg'] == "start must be a date from 1900-01-01 on, got '0999-12-31 23:59:59'"
    assert sim.requests() == []


def test_dates_from_1900_on_are_sent_as_four_digit_years(sim, run_module, credentials):
    result, failed = run(run_module, credentials, 'stats', start='1900-01-01', end='2026-01-01')
    assert not failed, result
    counts = sim.requests('/api/stats/panes/emails/count')
    assert counts and counts[0]['query']['start'] == '1900-01-01 00:00:00'
    assert counts[0]['query']['end'] == '2026-01-01 23:59:59'
