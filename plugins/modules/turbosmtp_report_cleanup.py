#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_report_cleanup
short_description: Delete turboSMTP bounce, spam and unsubscribe reports
version_added: 1.0.0
description:
  - Deletes the reports of one O(type) that match a selection, given as report ids (O(ids)), a date range
    (O(start) and O(end), optionally narrowed by O(filter)), or everything (O(all=true)).
  - Lists what matches first (count, then every page, concurrently) and deletes only that, in batches of
    O(batch_size) ids (C(DELETE /web/api/reports/<type>?ids=...)). When nothing matches, nothing is deleted
    and the task reports no change, so a rerun is idempotent.
  - For O(type=spam) with O(all=true) and no O(filter), the dedicated C(DELETE /web/api/reports/spam/all) is used.
  - >-
    A delete request counts as done only when the API answers C({"success": true}). When one fails, no further
    batch is started, the batches already under way are waited for, and the task fails with C(changed=true)
    if any batch was deleted, RV(deleted) and RV(ids) listing exactly the reports deleted.
  - Use M(turbosmtp.api.turbosmtp_reports_info) to read reports without deleting them.
author:
  - turbosmtp.api contributors (@turbosmtp)
options:
  type:
    description:
      - The kind of report. V(bounce) covers both V(hardbounce) and V(softbounce).
    type: str
    required: true
    choices: [bounce, hardbounce, softbounce, spam, unsub]
  ids:
    description:
      - The report ids (the C(cid) of each report) to delete, as whole numbers or strings of the digits 0-9.
      - Ids that do not exist (for example because they were already deleted) are ignored and not counted.
      - Exactly one of O(ids), O(start) with O(end), and O(all=true) is required.
    type: list
    elements: raw
  start:
    description:
      - The first day of the range, C(YYYY-MM-DD). Requires O(end).
    type: str
  end:
    description:
      - The last day of the range, C(YYYY-MM-DD), not before O(start).
    type: str
  filter:
    description:
      - Only reports whose email address contains this text. Applies to a range or to O(all=true).
    type: str
  tz:
    description:
      - The UTC offset the days of the range are read in, such as C(+01:00). The API's default is C(+01:00).
    type: str
  all:
    description:
      - Delete every report of the O(type) (that matches O(filter), when set).
      - V(false) is the same as not setting it.
    type: bool
  concurrency:
    description:
      - How many pages are read, and how many delete requests are made, at the same time, from 1 to 32.
    type: int
    default: 4
  batch_size:
    description:
      - How many ids one delete request carries.
    type: int
    default: 100
extends_documentation_fragment:
  - turbosmtp.api.connection
  - turbosmtp.api.connection.DASHBOARD
  - turbosmtp.api.connection.SEND_IGNORED
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
attributes:
  check_mode:
    support: full
    details:
      - Lists what matches and returns it as what would be deleted, without deleting anything.
  diff_mode:
    support: full
    details:
      - Returns the matching ids in RV(diff.before) and an empty list in RV(diff.after),
        only for the selection, not for every report of the account.
  idempotent:
    support: full
    details:
      - Deletes only what matches; a second run finds nothing left to delete and reports no change,
        unless new reports that match arrived in between.
seealso:
  - module: turbosmtp.api.turbosmtp_reports_info
    description: Read or count the reports a selection matches, or export them to CSV, before deleting them.
  - name: turbosmtp.api user guide
    description: The use case "scheduled report clean-up" with the C(turbosmtp.api.report_hygiene) role.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
notes:
  - With O(type=spam) and O(all=true) the API deletes every spam report at once, including any that arrived
    after the list was read; RV(ids) and RV(deleted) describe the ones that were listed.
'''

EXAMPLES = r'''
- name: Delete bounce reports older than 90 days
  turbosmtp.api.turbosmtp_report_cleanup:
    api_token: "{{ turbosmtp_api_token }}"
    type: bounce
    start: "2020-01-01"
    end: "{{ '%Y-%m-%d' | strftime(ansible_facts.date_time.epoch | int - 90 * 86400) }}"
  delegate_to: localhost
  run_once: true

- name: Delete two reports by id
  turbosmtp.api.turbosmtp_report_cleanup:
    type: unsub
    ids: [1003, 1007]
  delegate_to: localhost

- name: Delete every spam report of a test domain
  turbosmtp.api.turbosmtp_report_cleanup:
    type: spam
    all: true
    filter: "@test.example.com"
  delegate_to: localhost
'''

RETURN = r'''
deleted:
  description: How many reports were deleted (in check mode, how many would be).
  returned: success, and when a delete request failed
  type: int
  sample: 2
ids:
  description: The ids of the reports deleted (in check mode, that would be), as strings.
  returned: success, and when a delete request failed
  type: list
  elements: str
  sample: ['1003', '1007']
diff:
  description: The selection's ids before and after the task, when it runs in diff mode.
  returned: in diff mode
  type: dict
  contains:
    before:
      description: The reports the selection matched.
      type: dict
      returned: in diff mode
      contains:
        ids:
          description: Their ids, as RV(ids).
          type: list
          elements: str
          returned: in diff mode
          sample: ['1003', '1007']
    after:
      description: What is left of the selection.
      type: dict
      returned: in diff mode
      contains:
        ids:
          description: Always an empty list.
          type: list
          elements: str
          returned: in diff mode
          sample: []
'''

import re

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils._concurrency import map_concurrently
from ansible_collections.turbosmtp.api.plugins.module_utils._connection import check_number
from ansible_collections.turbosmtp.api.plugins.module_utils.listing_module import check_one_selection
from ansible_collections.turbosmtp.api.plugins.module_utils.module import TaskFailed, TurboSMTPModule, concurrency_argument_spec
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import REPORT_TYPES, check_concurrency, check_tz, report_range

# Ids travel in the query string of one DELETE; far more than this would outgrow any server's URL limit anyway.
MAX_BATCH_SIZE = 10000
# str.isdigit() also takes "²" and Arabic-Indic digits, which int() turns into another id or rejects.
REPORT_ID = re.compile(r'[0-9]+\Z')


def report_ids(values):
    """The ids as the strings the API's ids= takes, in the order given, once each."""
    ids = []
    for index, value in enumerate(values):
        text = str(value).strip()
        if isinstance(value, bool) or not REPORT_ID.match(text):
            raise ValueError('ids[%d]: %r is not a report id (a whole number written with the digits 0-9)' % (index, value))
        if str(int(text)) not in ids:
            ids.append(str(int(text)))
    return ids


class ReportCleanup(TurboSMTPModule):

    argument_spec = dict(
        type=dict(type='str', required=True, choices=list(REPORT_TYPES)),
        ids=dict(type='list', elements='raw'),
        start=dict(type='str'),
        end=dict(type='str'),
        filter=dict(type='str'),
        tz=dict(type='str'),
        all=dict(type='bool'),
        concurrency=concurrency_argument_spec(),
        batch_size=dict(type='int', default=100),
    )
    # The selection (ids, start and end, or all) is checked by validate(): all: false is the same as leaving it unset.
    mutually_exclusive = [('ids', 'end'), ('ids', 'filter'), ('ids', 'tz')]
    required_together = [('start', 'end')]

    def validate(self):
        """(the ids asked for, None unless ids is set; the query values of a start and end or all selection)."""
        selected = [name for name, chosen in (('ids', self.params['ids'] is not None),
                                              ('start and end', self.params['start'] is not None),
                                              ('all: true', self.params['all'])) if chosen]
        check_one_selection(selected, ('ids', 'start and end', 'all: true'))
        check_concurrency(self.params['concurrency'])
        if self.params['batch_size'] < 1:
            raise ValueError('batch_size must be 1 or more, got %d' % self.params['batch_size'])
        check_number('batch_size', self.params['batch_size'], minimum=1, maximum=MAX_BATCH_SIZE)
        check_tz('tz', self.params['tz'])
        query = dict((name, self.params[name]) for name in ('filter', 'tz') if self.params[name])
        wanted = report_ids(self.params['ids']) if self.params['ids'] is not None else None
        if self.params['start'] is not None:
            query['start'], query['end'] = report_range(self.params['start'], self.params['end'])
        return wanted, query

    def run(self, parsed):
        ids = self.matching_ids(*parsed)
        if ids and not self.check_mode:
            self.delete(ids)
        return self.result(ids)

    def result(self, ids):
        result = dict(changed=bool(ids), deleted=len(ids), ids=ids)
        if self.diff_mode:
            result['diff'] = dict(before=dict(ids=ids), after=dict(ids=[]))
        return result

    def list_ids(self, query, whole_history):
        return self.dashboard.report_ids(self.params['type'], query, whole_history=whole_history,
                                         concurrency=self.params['concurrency'])

    def matching_ids(self, wanted, query):
        if wanted is not None:
            existing = set(self.list_ids({}, whole_history=True)) if wanted else set()
            return [cid for cid in wanted if cid in existing]
        return self.list_ids(query, whole_history=bool(self.params['all']))

    def delete(self, ids):
        if self.params['type'] == 'spam' and self.params['all'] and not self.params['filter']:
            try:
                self.dashboard.delete_all_spam()
            except TurboSMTPError as error:
                raise self.partial_failure([error], [], len(ids)) from error
            return
        size = self.params['batch_size']
        batches = [ids[first:first + size] for first in range(0, len(ids), size)]
        done, failures = self.delete_batches(batches)
        if failures:
            deleted = [cid for index, batch in enumerate(batches) if index in done for cid in batch]
            raise self.partial_failure(failures, deleted, len(ids))

    def delete_batches(self, batches):
        """Delete up to concurrency batches at a time; returns the indexes of those done and the errors.

        After a failure no other batch is started, but those under way are waited for: they count.
        """
        done, failures = set(), []

        def delete(numbered):
            index, batch = numbered
            try:
                self.dashboard.delete_reports(self.params['type'], batch)
            except Exception as error:
                failures.append(error)
                raise
            done.add(index)

        try:
            map_concurrently(delete, enumerate(batches), self.params['concurrency'])
        except Exception:
            pass  # every failure is in failures, reported by partial_failure()
        return done, failures

    def partial_failure(self, failures, deleted, wanted):
        first = failures[0]
        message = first.message if isinstance(first, TurboSMTPError) else (
            'turboSMTP answered a delete request in a way this module did not understand (%s: %s)'
            % (type(first).__name__, first))
        if len(failures) > 1:
            message += ' (and %d more delete requests failed)' % (len(failures) - 1)
        message += '; %d of the %d reports selected were deleted, listed in ids' % (len(deleted), wanted)
        return TaskFailed(message, first, **self.result(deleted))


def main():
    ReportCleanup.execute()


if __name__ == '__main__':
    main()
