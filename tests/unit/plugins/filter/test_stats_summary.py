"""The stats_summary filter: the counts a deliverability report is built from."""

import re
from datetime import datetime, timedelta, timezone

import jinja2
import pytest
from ansible.errors import AnsibleFilterError
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.turbosmtp.api.plugins.filter.stats_summary import FilterModule, stats_summary
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import STATS_STATUSES, STATUS_GROUPS
from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_stats_info

WEEK = {'start': '2026-06-01 00:00:00', 'end': '2026-06-30 23:59:59', 'tz': '+00:00'}


def row(send_time, status):
    return {'id': 1, 'recipient': 'jane@example.org', 'sendTime': send_time, 'status': status}


def test_the_filter_is_registered_under_its_documented_name():
    assert FilterModule().filters() == {'stats_summary': stats_summary}


def test_no_rows_give_zero_counts_and_zero_rates():
    assert stats_summary([]) == {
        'total': 0,
        'by_status': {},
        'by_group': {'queued': 0, 'delivered': 0, 'read': 0, 'bounce': 0},
        'rates': {'delivered': 0.0, 'read': 0.0, 'bounce': 0.0},
        'by_day': [],
    }


def test_a_small_week_is_counted_by_status_group_and_day():
    rows = [
        row('2026-06-02T09:00:00.000Z', 'OPEN'),
        row('2026-06-01T10:00:00.000Z', 'SUCCESS'),
        row('2026-06-01T11:00:00.000Z', 'FAIL'),
        row('2026-06-02T12:00:00.000Z', 'DEFER'),
        row('2026-06-02T13:00:00.000Z', 'CLICK'),
        row('2026-06-02T14:00:00.000Z', 'OPEN'),
    ]
    summary = stats_summary(rows)

    assert summary['total'] == 6
    assert summary['by_status'] == {'DEFER': 1, 'SUCCESS': 1, 'OPEN': 2, 'CLICK': 1, 'FAIL': 1}
    # The API's order, whatever the order of the rows.
    assert list(summary['by_status']) == ['DEFER', 'SUCCESS', 'OPEN', 'CLICK', 'FAIL']
    assert summary['by_group'] == {'queued': 1, 'delivered': 4, 'read': 3, 'bounce': 1}
    assert summary['rates'] == {'delivered': 0.6667, 'read': 0.5, 'bounce': 0.1667}
    assert summary['by_day'] == [
        {'date': '2026-06-01', 'total': 2, 'by_status': {'SUCCESS': 1, 'FAIL': 1},
         'by_group': {'queued': 0, 'delivered': 1, 'read': 0, 'bounce': 1}},
        {'date': '2026-06-02', 'total': 4, 'by_status': {'DEFER': 1, 'OPEN': 2, 'CLICK': 1},
         'by_group': {'queued': 1, 'delivered': 3, 'read': 3, 'bounce': 0}},
    ]


@pytest.mark.parametrize('tz, day', [
    (None, '2026-06-01'),
    ('+00:00', '2026-06-01'),
    ('+01:00', '2026-06-02'),
    ('+14:00', '2026-06-02'),
    ('-05:30', '2026-06-01'),
])
def test_late_evening_mail_is_counted_on_the_day_of_the_time_zone(tz, day):
    summary = stats_summary([row('2026-06-01T23:30:00.000Z', 'SUCCESS')], tz=tz)
    assert [entry['date'] for entry in summary['by_day']] == [day]


def test_early_morning_mail_falls_on_the_previous_day_west_of_utc():
    summary = stats_summary([row('2026-06-01T03:00:00.000Z', 'SUCCESS')], tz='-05:30')
    assert summary['by_day'][0]['date'] == '2026-05-31'


@pytest.mark.parametrize('send_time', [
    '2026-06-01T23:30:00Z', '2026-06-01 23:30:00', '2026-06-01T23:30:00.5', '2026-06-02T01:30:00+02:00',
    '2026-06-02T01:30:00.000+0200',
])
def test_send_times_in_other_notations_land_on_their_utc_day(send_time):
    assert stats_summary([row(send_time, 'OPEN')])['by_day'][0]['date'] == '2026-06-01'


def test_an_unknown_status_is_counted_but_in_no_group():
    summary = stats_summary([row('2026-06-01T10:00:00Z', 'SUCCESS'), row('2026-06-01T10:00:00Z', 'LOST')])
    assert summary['by_status'] == {'SUCCESS': 1, 'LOST': 1}
    assert summary['by_group'] == {'queued': 0, 'delivered': 1, 'read': 0, 'bounce': 0}
    assert summary['rates']['delivered'] == 0.5


@pytest.mark.parametrize('bad_row, message', [
    ({'status': 'OPEN'}, 'row 1 has no sendTime'),
    ({'sendTime': '2026-06-01T10:00:00Z'}, 'row 1 has no status'),
    ({'sendTime': '', 'status': None}, 'row 1 has no sendTime and no status'),
    ({'sendTime': 'yesterday', 'status': 'OPEN'}, "row 1 has a sendTime that is not a time"),
    ({'sendTime': '2026-02-30T10:00:00Z', 'status': 'OPEN'}, "row 1 has a sendTime that is not a time"),
    ('2026-06-01T10:00:00Z OPEN', 'row 1 is not a dict'),
])
def test_a_bad_row_fails_naming_its_index(bad_row, message):
    with pytest.raises(AnsibleFilterError, match=message):
        stats_summary([row('2026-06-01T10:00:00Z', 'OPEN'), bad_row])


@pytest.mark.parametrize('send_time, tz', [
    ('2026-06-01T10:00:00+99:99', None),
    ('2026-06-01T10:00:00+2400', None),
    ('2026-06-01T10:00:00-24:00', '+01:00'),
    # Moved to tz, these leave the calendar.
    ('9999-12-31T23:59:59Z', '+14:00'),
    ('0001-01-01T00:00:00Z', '-05:00'),
    ('9999-12-31T23:59:59-12:00', None),
])
def test_a_send_time_with_an_impossible_offset_or_date_fails_naming_its_index(send_time, tz):
    with pytest.raises(AnsibleFilterError, match=r"row 1 has a sendTime that is not a time .*%s" % re.escape(send_time)):
        stats_summary([row('2026-06-01T10:00:00Z', 'OPEN'), row(send_time, 'OPEN')], tz=tz)


@pytest.mark.parametrize('status', [5, 1.5, True, ['OPEN'], {'name': 'OPEN'}, 'items', 'values', 'keys', 'get', '__class__'])
def test_a_status_that_is_not_a_name_or_is_named_like_a_dict_method_is_unknown(status):
    summary = stats_summary([row('2026-06-01T10:00:00Z', 'OPEN'), row('2026-06-01T11:00:00Z', status)])

    assert summary['by_status'] == {'OPEN': 1, 'UNKNOWN': 1}
    assert summary['by_day'][0]['by_status'] == {'OPEN': 1, 'UNKNOWN': 1}
    assert summary['by_group'] == {'queued': 0, 'delivered': 1, 'read': 1, 'bounce': 0}
    assert summary['total'] == 2


def test_a_status_named_items_reaches_a_template_as_a_count():
    summary = stats_summary([row('2026-06-01T10:00:00Z', 'items'), row('2026-06-01T11:00:00Z', 'items')])
    # Jinja looks a dotted name up as an attribute first: a key named items would be the dict's method.
    rendered = jinja2.Environment().from_string(
        '{% for status, count in summary.by_status.items() %}{{ status }}={{ count }};{% endfor %}'
        '{{ summary.by_status.UNKNOWN }}').render(summary=summary)

    assert rendered == 'UNKNOWN=2;2'
    assert 'built-in method' not in rendered


@pytest.mark.parametrize('tz', ['+1:00', 'UTC', '+15:00', '-12:30', 5])
def test_a_bad_time_zone_fails_naming_tz(tz):
    with pytest.raises(AnsibleFilterError, match='tz must'):
        stats_summary([], tz=tz)


def test_something_other_than_a_list_fails():
    with pytest.raises(AnsibleFilterError, match='expected the list of rows'):
        stats_summary({'emails': []})


def test_the_simulators_month_matches_the_apis_own_counts(run_module, credentials):
    rows, failed = run_module(turbosmtp_stats_info.main, dict(credentials, **WEEK))
    assert not failed, rows
    summary = stats_summary(rows['emails'])

    assert summary['total'] == rows['count'] > 0
    for group in STATUS_GROUPS:
        counted, failed = run_module(turbosmtp_stats_info.main, dict(credentials, count_only=True, status_group=group, **WEEK))
        assert summary['by_group'][group] == counted['count'], group
    for status in STATS_STATUSES:
        counted, failed = run_module(turbosmtp_stats_info.main, dict(credentials, count_only=True, status=[status], **WEEK))
        assert summary['by_status'].get(status, 0) == counted['count'], status
    assert [day['date'] for day in summary['by_day']] == sorted(set(email['sendTime'][:10] for email in rows['emails']))


MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))
STATUSES = st.sampled_from(STATS_STATUSES + ('LOST',))
ROWS = st.lists(st.builds(lambda moment, status: row(moment.strftime('%Y-%m-%dT%H:%M:%S.000Z'), status),
                          MOMENTS, STATUSES), max_size=60)
OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: '%s%02d:%02d' % ('-' if minutes < 0 else '+', abs(minutes) // 60, abs(minutes) % 60))


@settings(max_examples=200, deadline=None)
@given(ROWS, st.one_of(st.none(), OFFSETS))
def test_the_counts_always_add_up_to_the_total(rows, tz):
    summary = stats_summary(rows, tz=tz)

    assert summary['total'] == len(rows)
    assert sum(summary['by_status'].values()) == summary['total']
    assert sum(day['total'] for day in summary['by_day']) == summary['total']
    for day in summary['by_day']:
        assert sum(day['by_status'].values()) == day['total'] > 0
    dates = [day['date'] for day in summary['by_day']]
    assert dates == sorted(set(dates))
    known = sum(count for status, count in summary['by_status'].items() if status in STATS_STATUSES)
    # queued, delivered and bounce split the known statuses; read is a part of delivered.
    assert summary['by_group']['queued'] + summary['by_group']['delivered'] + summary['by_group']['bounce'] == known
    assert summary['by_group']['read'] <= summary['by_group']['delivered']
    for group in ('delivered', 'read', 'bounce'):
        for day_group in (day['by_group'][group] for day in summary['by_day']):
            assert day_group <= summary['by_group'][group]
        assert sum(day['by_group'][group] for day in summary['by_day']) == summary['by_group'][group]
        expected = summary['by_group'][group] / summary['total'] if summary['total'] else 0
        assert abs(summary['rates'][group] - expected) <= 0.00005


@settings(max_examples=100, deadline=None)
@given(ROWS, OFFSETS)
def test_each_row_is_counted_on_its_day_in_the_time_zone(rows, tz):
    sign = -1 if tz[0] == '-' else 1
    offset = timedelta(minutes=sign * (int(tz[1:3]) * 60 + int(tz[4:6])))
    summary = stats_summary(rows, tz=tz)

    expected = {}
    for email in rows:
        moment = datetime.strptime(email['sendTime'], '%Y-%m-%dT%H:%M:%S.000Z').replace(tzinfo=timezone.utc)
        day = moment.astimezone(timezone(offset)).strftime('%Y-%m-%d')
        expected[day] = expected.get(day, 0) + 1
    assert dict((day['date'], day['total']) for day in summary['by_day']) == expected
