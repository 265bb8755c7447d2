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
# How many requests a module makes at once: enough to page quickly, few enough not to be throttled.
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32

REPORT_DATE_FORMAT = '%Y-%m-%d'
STATS_DATETIME_FORMAT = '%Y-%m-%d %H:%M:%S'
TZ_PATTERN = re.compile(r'([+-])(\d\d):([0-5]\d)')
# The offsets in use on Earth: UTC-12:00 (Baker Island) to UTC+14:00 (Line Islands).
TZ_RANGE_MINUTES = (-12 * 60, 14 * 60)
# Mail has no stats before this, and strftime pads years below 1000 differently per platform.
FIRST_YEAR = 1900


def _format(moment, with_time):
    # By hand rather than strftime, which writes year 999 as '999' on some platforms and '0999' on others.
    day = '%04d-%02d-%02d' % (moment.year, moment.month, moment.day)
    return day + (' %02d:%02d:%02d' % (moment.hour, moment.minute, moment.second) if with_time else '')


def _check_year(option, value, parsed):
    if parsed.year < FIRST_YEAR:
        raise ValueError('%s must be a date from %d-01-01 on, got %r' % (option, FIRST_YEAR, value))
    return parsed


def parse_date(option, value):
    """A report date: YYYY-MM-DD."""
    try:
        parsed = datetime.strptime(value, REPORT_DATE_FORMAT)
    except (TypeError, ValueError):
        raise ValueError('%s must be a date in the form YYYY-MM-DD, got %r' % (option, value)) from None
    return _check_year(option, value, parsed)


def parse_datetime(option, value, end_of_day=False):
    """A stats time: YYYY-MM-DD HH:MM:SS; a bare date means the start (or end) of that day."""
    for form, bare_date in ((STATS_DATETIME_FORMAT, False), (REPORT_DATE_FORMAT, True)):
        try:
            parsed = datetime.strptime(value, form)
        except (TypeError, ValueError):
            continue
        if bare_date and end_of_day:
            parsed = parsed.replace(hour=23, minute=59, second=59)
        return _check_year(option, value, parsed)
    raise ValueError('%s must be a time in the form YYYY-MM-DD HH:MM:SS (or YYYY-MM-DD), got %r' % (option, value))


def check_range(start_option, start, end_option, end):
    if end < start:
        raise ValueError('%s (%s) is before %s (%s)' % (end_option, end, start_option, start))


def utc_offset_minutes(option, value):
    """The minutes east of UTC of a +HH:MM or -HH:MM offset between -12:00 and +14:00."""
    offset = TZ_PATTERN.fullmatch(value) if isinstance(value, str) else None
    if offset:
        minutes = (int(offset.group(2)) * 60 + int(offset.group(3))) * (-1 if offset.group(1) == '-' else 1)
        if TZ_RANGE_MINUTES[0] <= minutes <= TZ_RANGE_MINUTES[1]:
            return minutes
    raise ValueError('%s must be a UTC offset from -12:00 to +14:00 such as +01:00 or -05:30, got %r' % (option, value))


def check_tz(option, value):
    """A UTC offset, +HH:MM or -HH:MM, between -12:00 and +14:00 (or None: the API's default)."""
    if value is not None:
        utc_offset_minutes(option, value)
    return value


def report_range(start, end):
    """Validated (start, end) query values for the report endpoints."""
    first, last = parse_date('start', start), parse_date('end', end)
    check_range('start', first, 'end', last)
    return _format(first, with_time=False), _format(last, with_time=False)


def stats_range(start, end):
    """Validated (start, end) query values for the stats endpoints."""
    first, last = parse_datetime('start', start), parse_datetime('end', end, end_of_day=True)
    check_range('start', first, 'end', last)
    return _format(first, with_time=True), _format(last, with_time=True)


def stats_statuses(statuses=None, group=None):
    """The statuses selected by a ``status`` list or a ``status_group`` (None means all).

    ``group`` is one of STATUS_GROUPS: the argument spec's choices checked it.
    """
    if group is not None:
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


def check_concurrency(value):
    """concurrency, the same limits in every module that has it."""
    if not 1 <= value <= MAX_CONCURRENCY:
        raise ValueError('concurrency must be between 1 and %d, got %s' % (MAX_CONCURRENCY, value))


def without_secrets(account):
    """The account as the API returned it, less any password field."""
    return dict((key, value) for key, value in account.items() if 'passw' not in key.lower())
