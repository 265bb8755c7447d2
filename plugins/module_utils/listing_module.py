# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ListingModule, the base class of turbosmtp_stats_info and turbosmtp_reports_info: the listing
options, their checks, the query values of a selection, and reading a list either as rows, as a
count, or as a CSV export written to a file.

Checks raise ValueError naming the offending option, like vocabulary.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils._connection import check_number
from ansible_collections.turbosmtp.api.plugins.module_utils._files import FileAttributes
from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule, concurrency_argument_spec
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import (
    check_concurrency,
    check_tz,
    report_range,
    stats_filter,
    stats_range,
    stats_statuses,
)


def listing_argument_spec():
    """Options both list modules take beside their own selection (doc fragment turbosmtp.api.listing)."""
    return dict(
        tz=dict(type='str'),
        count_only=dict(type='bool', default=False),
        limit=dict(type='int'),
        csv_dest=dict(type='path'),
        mode=dict(type='raw'),
        owner=dict(type='str'),
        group=dict(type='str'),
        concurrency=concurrency_argument_spec(),
    )


# Rows, a count or an export: one way of reading at a time.
LISTING_MUTUALLY_EXCLUSIVE = [
    ('count_only', 'csv_dest'),
    ('limit', 'csv_dest'),
]  # type: list[tuple[str, ...]]
# A list far longer than any account holds; a limit beyond it is a typo (or 1e300).
MAX_LIMIT = 10 ** 9
# The file options only make sense for the file the export writes.
LISTING_REQUIRED_BY = {'mode': 'csv_dest', 'owner': 'csv_dest', 'group': 'csv_dest'}


def check_listing_options(params):
    """Reject limit, concurrency, tz, csv_dest and file option values that cannot work; returns the FileAttributes."""
    check_number('limit', params['limit'], minimum=1, maximum=MAX_LIMIT)
    check_concurrency(params['concurrency'])
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
    return FileAttributes(params.get('mode'), params.get('owner'), params.get('group'))


def check_one_selection(selected, offered):
    """Exactly one way of selecting rows: ``selected`` names those set, ``offered`` all of them, in words.

    ``all: false`` is not a selection: it is the same as leaving all unset, so a playbook can template it.
    """
    choices = '%s, or %s' % (', '.join(offered[:-1]), offered[-1])
    if len(selected) > 1:
        raise ValueError('only one of %s may be set, got %s' % (choices, ' together with '.join(selected)))
    if not selected:
        raise ValueError('one of %s is required (all: false is the same as leaving all unset)' % choices)


def _with_tz(query, tz):
    if tz is not None:
        query['tz'] = tz
    return query


def stats_query(params):
    """Query values of a stats selection (start, end, filter, tz)."""
    start, end = stats_range(params['start'], params['end'])
    query = dict(start=start, end=end)
    status_filter = stats_filter(stats_statuses(params['status'], params['status_group']))
    if status_filter is not None:
        query['filter'] = status_filter
    return _with_tz(query, params['tz'])


def report_query(params):
    """Query values of a report selection (start and end unless all, filter, tz)."""
    query = {}
    if not params['all']:
        query['start'], query['end'] = report_range(params['start'], params['end'])
    if params['filter']:
        query['filter'] = params['filter']
    return _with_tz(query, params['tz'])


class ListingModule(TurboSMTPModule):
    """A module that reads one list of the API as rows, as a count, or as a CSV export.

    Subclasses name the rows in ``rows_name`` and implement count(), rows() and export()
    with the client operations of their selection, the ``query`` their validate() returned.
    """

    rows_name = 'rows'

    def count(self, query):
        raise NotImplementedError

    def rows(self, query, limit, concurrency):
        """(the rows, up to limit; their count)."""
        raise NotImplementedError

    def export(self, query, dest, attributes):
        """Write the CSV export to dest with the FileAttributes ``attributes``; return its size."""
        raise NotImplementedError

    def read_list(self, query):
        """The result the listing options ask for.

        ``rows_name`` holds every row (up to limit) unless only the count or a CSV export was
        asked for. The export is streamed to csv_dest, and not written in check mode; it is
        asked for in one request, without ``page`` (see the listing doc fragment).
        """
        if self.params['count_only']:
            return dict(changed=False, count=self.count(query))
        dest = self.params['csv_dest']
        if dest:
            result = dict(changed=False, count=self.count(query), csv_dest=dest)
            if not self.check_mode:
                result['csv_bytes'] = self._export(query, dest)
            return result
        rows, count = self.rows(query, self.params['limit'], self.params['concurrency'])
        return {'changed': False, 'count': count, self.rows_name: rows}

    def _export(self, query, dest):
        attributes = FileAttributes(self.params.get('mode'), self.params.get('owner'), self.params.get('group'))
        try:
            return self.export(query, dest, attributes)
        except OSError as error:
            raise TurboSMTPError('could not write csv_dest %s: %s' % (dest, error.strerror or error)) from error
