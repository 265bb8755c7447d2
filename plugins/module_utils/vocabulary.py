# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API's vocabulary (statuses, report types, date and time zone formats) and the
checks that reject bad input before any request goes out.

Every check raises ValueError with a message that names the offending option.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from datetime import datetime

STATS_STATUSES = ('NEW', 'DEFER', 'SUCCESS', 'OPEN', 'CLICK', 'REPORT', 'FAIL', 'SYSFAIL', 'UNSUB')
STATUS_GROUPS = {
    'queued': ('NEW', 'DEFER'),
    'delivered': ('SUCCESS', 'OPEN', 'CLICK', 'UNSUB', 'REPORT'),
    'read': ('OPEN', 'CLICK', 'UNSUB', 'REPORT'),
    'bounce': ('FAIL', 'SYSFAIL'),
}
REPORT_TYPES = ('bounce', 'hardbounce', 'softbounce', 'spam', 'unsub')
EMAIL_FEED_SIZES = (10, 20, 30)
TOOLS = {'click_tracking': 'clickTracking', 'open_tracking': 'openingTracking'}

REPORT_DATE_FORMAT = '%Y-%m-%d'
STATS_DATETIME_FORMAT = '%Y-%m-%d %H:%M:%S'
TZ_PATTERN = re.compile(r'^[+-](0\d|1[0-4]):[0-5]\d$')


def parse_date(option, value):
    """A report date: YYYY-MM-DD."""
    try:
        return datetime.strptime(value, REPORT_DATE_FORMAT)
    except (TypeError, ValueError):
        raise ValueError('%s must be a date in the form YYYY-MM-DD, got %r' % (option, value))


def parse_datetime(option, value, end_of_day=False):
    """A stats time: YYYY-MM-DD HH:MM:SS; a bare date means the start (or end) of that day."""
    for form, suffix in ((STATS_DATETIME_FORMAT, ''), (REPORT_DATE_FORMAT, ' 23:59:59' if end_of_day else ' 00:00:00')):
        try:
            parsed = datetime.strptime(value, form)
        except (TypeError, ValueError):
            continue
        return datetime.strptime(parsed.strftime(REPORT_DATE_FORMAT) + suffix, STATS_DATETIME_FORMAT) if suffix else parsed
    raise ValueError('%s must be a time in the form YYYY-MM-DD HH:MM:SS (or YYYY-MM-DD), got %r' % (option, value))


def check_range(start_option, start, end_option, end):
    if end < start:
        raise ValueError('%s (%s) is before %s (%s)' % (end_option, end, start_option, start))


def check_tz(option, value):
    if value is not None and not TZ_PATTERN.match(value):
        raise ValueError('%s must be a UTC offset such as +01:00 or -05:30, got %r' % (option, value))
    return value


def report_range(start, end):
    """Validated (start, end) query values for the report endpoints."""
    first, last = parse_date('start', start), parse_date('end', end)
    check_range('start', first, 'end', last)
    return first.strftime(REPORT_DATE_FORMAT), last.strftime(REPORT_DATE_FORMAT)


def stats_range(start, end):
    """Validated (start, end) query values for the stats endpoints."""
    first, last = parse_datetime('start', start), parse_datetime('end', end, end_of_day=True)
    check_range('start', first, 'end', last)
    return first.strftime(STATS_DATETIME_FORMAT), last.strftime(STATS_DATETIME_FORMAT)


def stats_statuses(statuses=None, group=None):
    """The statuses selected by a ``status`` list or a ``status_group`` (None means all)."""
    if group is not None:
        if group not in STATUS_GROUPS:
            raise ValueError('status_group must be one of %s, got %r' % (', '.join(sorted(STATUS_GROUPS)), group))
        return list(STATUS_GROUPS[group])
    if not statuses:
        return None
    selected = []
    for status in statuses:
        normalized = str(status).upper()
        if normalized not in STATS_STATUSES:
            raise ValueError('status contains %r, which is not one of %s' % (status, ', '.join(STATS_STATUSES)))
        if normalized not in selected:
            selected.append(normalized)
    return selected


def stats_filter(statuses):
    """The stats ``filter`` query value: JSON text, as the API expects it in the query string."""
    if not statuses:
        return None
    if len(statuses) == 1:
        return json.dumps(statuses[0])
    return json.dumps(statuses, separators=(',', ':'))


def email_feed_size(value):
    if value not in EMAIL_FEED_SIZES:
        raise ValueError('last must be one of 10, 20 or 30, got %r' % (value,))
    return value


def without_secrets(account):
    """The account as the API returned it, less any password field."""
    return dict((key, value) for key, value in account.items() if 'passw' not in key.lower())
