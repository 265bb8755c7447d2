# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The deliverability summary (total, by_status, by_group, rates, by_day), built either from rows
(the stats_summary filter) or from the API's counts alone (turbosmtp_stats_info summary: true).

Both end in build_summary(), so the two give the same dict for the same mail.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from collections import Counter
from datetime import date, timedelta

from ansible_collections.turbosmtp.api.plugins.module_utils._concurrency import map_concurrently
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import STATS_STATUSES, STATUS_GROUPS

RATE_GROUPS = ('delivered', 'read', 'bounce')
RATE_PLACES = 4
# Where a status that cannot be shown under its own name is counted: one that is not text, or one
# named like a dict method, which Jinja would resolve to the method (by_status.items) instead of the count.
UNKNOWN_STATUS = 'UNKNOWN'
_DICT_ATTRIBUTES = frozenset(dir(dict))
# The time zone the API counts days in when a request has no tz.
API_DEFAULT_TZ = '+01:00'


def status_name(status):
    """The key a row's status is counted under in by_status."""
    if not isinstance(status, str) or status in _DICT_ATTRIBUTES:
        return UNKNOWN_STATUS
    return status


def _status_order(status):
    if status in STATS_STATUSES:
        return (0, STATS_STATUSES.index(status), '')
    return (1, 0, status)


def _ordered_statuses(counts):
    return dict((status, counts[status]) for status in sorted(counts, key=_status_order) if counts[status])


def _groups(status_counts):
    return dict((group, sum(status_counts.get(status, 0) for status in statuses))
                for group, statuses in STATUS_GROUPS.items())


def _rate(part, total):
    return round(float(part) / total, RATE_PLACES) if total else 0.0


def build_summary(days, total=None):
    """The summary of ``days``, a dict of date (YYYY-MM-DD) to a dict of status to count.

    ``total`` defaults to the sum of every count; the rates are fractions of it.
    """
    statuses = Counter()  # type: Counter[str]
    for counts in days.values():
        statuses.update(counts)
    if total is None:
        total = sum(statuses.values())
    by_group = _groups(statuses)
    by_day = []
    for day in sorted(days):
        day_total = sum(days[day].values())
        if day_total:
            by_day.append({'date': day, 'total': day_total, 'by_status': _ordered_statuses(days[day]),
                           'by_group': _groups(days[day])})
    return {
        'total': total,
        'by_status': _ordered_statuses(statuses),
        'by_group': by_group,
        'rates': dict((group, _rate(by_group[group], total)) for group in RATE_GROUPS),
        'by_day': by_day,
    }


# From counts

def _days_of(start, end):
    """(date, first second, last second) of each calendar day of the range, in the range's own time zone."""
    first = date(int(start[:4]), int(start[5:7]), int(start[8:10]))
    last = date(int(end[:4]), int(end[5:7]), int(end[8:10]))
    days = []
    day = first
    while day <= last:
        text = '%04d-%02d-%02d' % (day.year, day.month, day.day)
        days.append((text, start if day == first else text + ' 00:00:00', end if day == last else text + ' 23:59:59'))
        day += timedelta(days=1)
    return days


def counted_statuses(query):
    """The statuses a stats query selects (its JSON ``filter``), or all of them."""
    if query.get('filter') is None:
        return list(STATS_STATUSES)
    selected = json.loads(query['filter'])
    return [selected] if isinstance(selected, str) else list(selected)


def summary_requests(query):
    """The count queries behind the summary of a stats query: one per status per day, then the whole range.

    At most len(STATS_STATUSES) (9) per calendar day plus one, whatever the number of messages.
    """
    statuses = counted_statuses(query)
    requests = []
    for day, day_start, day_end in _days_of(query['start'], query['end']):
        for status in statuses:
            requests.append((day, status, dict(query, start=day_start, end=day_end, filter=json.dumps(status))))
    requests.append((None, None, dict(query)))
    return requests


def summary_from_counts(client, query, concurrency):
    """(summary, warnings) of the mail a stats query selects, from count requests only.

    ``client`` is the DashboardClient (its stats_count is asked); the requests run
    ``concurrency`` at a time. Days are the calendar days of the query's tz (the API's
    +01:00 without one), as the API reads start and end in it.
    """
    requests = summary_requests(query)
    # One login before the concurrent requests, rather than one per thread that finds no token.
    client.ensure_token()
    counts = map_concurrently(lambda request: client.stats_count(request[2]), requests, concurrency)
    days = {}  # type: dict[str, dict[str, int]]
    for (day, status, _query), counted in zip(requests[:-1], counts[:-1]):
        days.setdefault(day, {})[status] = counted
    total = counts[-1]
    summary = build_summary(days, total=total)
    warnings = []
    counted_total = sum(summary['by_status'].values())
    if counted_total != total:
        warnings.append(
            'summary: the API counts %d messages from %s to %s (tz %s) but its statuses (%s) add up to %d, %d %s: '
            'the API knows a status this collection does not, or mail arrived while it was counted. total is the '
            "API's count; by_status, by_group and by_day hold the statuses counted."
            % (total, query['start'], query['end'], query.get('tz', API_DEFAULT_TZ), ', '.join(counted_statuses(query)),
               counted_total, abs(total - counted_total), 'fewer' if counted_total < total else 'more'))
    return summary, warnings
