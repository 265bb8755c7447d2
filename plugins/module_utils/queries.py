# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What turbosmtp_stats_info and turbosmtp_reports_info share: the query values of the
list endpoints, the checks of the listing options, and reading a list either as rows,
as a count, or as a CSV export written to a file.

Checks raise ValueError naming the offending option, like vocabulary.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.turbosmtp.api.plugins.module_utils.client import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import (
    check_tz,
    report_range,
    stats_filter,
    stats_range,
    stats_statuses,
)

MAX_CONCURRENCY = 32

STATS_PATH = '/api/stats/panes/emails'
STATS_CSV_PATH = '/api/stats/emails/csv'
STATS_FEED_PATH = '/api/stats/email-feed-last/%d'


def listing_argument_spec():
    """Options both list modules take beside their own selection."""
    return dict(
        tz=dict(type='str'),
        count_only=dict(type='bool', default=False),
        limit=dict(type='int'),
        csv_dest=dict(type='path'),
        concurrency=dict(type='int', default=4),
    )


def check_listing_options(params):
    """Reject limit, concurrency and csv_dest values that cannot work."""
    if params['limit'] is not None and params['limit'] <= 0:
        raise ValueError('limit must be a positive number of rows, got %s' % params['limit'])
    if not 1 <= params['concurrency'] <= MAX_CONCURRENCY:
        raise ValueError('concurrency must be between 1 and %d, got %s' % (MAX_CONCURRENCY, params['concurrency']))
    check_tz('tz', params['tz'])
    dest = params['csv_dest']
    if dest is not None:
        if os.path.isdir(dest):
            raise ValueError('csv_dest must be a file path, but %s is a directory' % dest)
        directory = os.path.dirname(os.path.abspath(dest))
        if not os.path.isdir(directory):
            raise ValueError('csv_dest must be in an existing directory, but %s does not exist' % directory)
        if not os.access(directory, os.W_OK):
            raise ValueError('csv_dest must be in a writable directory, but %s is not writable' % directory)


def _with_tz(query, tz):
    if tz is not None:
        query['tz'] = tz
    return query


def stats_query(params):
    """Query values of the stats list and count endpoints (start, end, filter, tz)."""
    start, end = stats_range(params['start'], params['end'])
    query = dict(start=start, end=end)
    status_filter = stats_filter(stats_statuses(params['status'], params['status_group']))
    if status_filter is not None:
        query['filter'] = status_filter
    return _with_tz(query, params['tz'])


def stats_csv_query(query):
    """The CSV export names the range start_date and end_date instead of start and end."""
    renamed = dict(query)
    renamed['start_date'] = renamed.pop('start')
    renamed['end_date'] = renamed.pop('end')
    return renamed


def report_path(report_type, whole_history):
    base = '/web/api/reports/%s' % report_type
    return base + '/all' if whole_history else base


def report_query(params):
    """Query values of a report list, count or export (start and end unless all, filter, tz)."""
    query = {}
    if not params['all']:
        query['start'], query['end'] = report_range(params['start'], params['end'])
    if params['filter']:
        query['filter'] = params['filter']
    return _with_tz(query, params['tz'])


def read_list(dashboard, path, query, page_size, params, check_mode, csv_path=None, csv_query=None):
    """Read a list endpoint the way the listing options ask; returns the result fields.

    ``rows`` holds every row (up to limit) unless only the count or a CSV export was
    asked for. The export is streamed to csv_dest, and not written in check mode; it is
    asked for in one request, without ``page`` (see the listing doc fragment).
    """
    count_path = path + '/count'
    if params['count_only']:
        return dict(count=dashboard.count(count_path, query))
    if params['csv_dest']:
        result = dict(count=dashboard.count(count_path, query), csv_dest=params['csv_dest'])
        if not check_mode:
            result['csv_bytes'] = _download(dashboard, csv_path or path + '/csv', query if csv_query is None else csv_query,
                                            params['csv_dest'])
        return result
    rows, count = dashboard.list_all(path, query, page_size, limit=params['limit'], concurrency=params['concurrency'])
    return dict(count=count, rows=rows)


def _download(dashboard, path, query, dest):
    try:
        return dashboard.download(path, query, dest)
    except OSError as error:
        raise TurboSMTPError('could not write csv_dest %s: %s' % (dest, error.strerror or error))
