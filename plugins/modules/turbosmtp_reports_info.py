#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_reports_info
short_description: Read the turboSMTP bounce, spam and unsubscribe reports
version_added: 1.0.0
description:
  - Returns the reports of one type (bounces, spam complaints, unsubscribes) received between O(start) and O(end),
    or over the whole history with O(all=true), newest first.
  - Asks for the count first, then fetches every page (20 rows each) concurrently, and returns the rows in
    API order with none lost or duplicated.
  - A row that moves to the next page while the pages are read (new rows arrive at the top) is returned once,
    as a row identical in every field to one of an earlier page is dropped. Rows that only share their C(cid) are
    different rows and are all returned.
  - Alternatively returns only the count (O(count_only)), or writes the API's CSV export to a file (O(csv_dest))
    without holding it in memory.
  - Use M(turbosmtp.api.turbosmtp_report_cleanup) to delete reports.
author:
  - turbosmtp.api contributors (@turbosmtp)
options:
  type:
    description:
      - The kind of report. V(bounce) holds both V(hardbounce) and V(softbounce).
    type: str
    required: true
    choices: [bounce, hardbounce, softbounce, spam, unsub]
  start:
    description:
      - First day of the range, C(YYYY-MM-DD), in the time zone O(tz).
      - Exactly one of O(start) with O(end), or O(all=true), is required.
    type: str
  end:
    description:
      - Last day of the range (included), C(YYYY-MM-DD), in the time zone O(tz). Must not be before O(start).
    type: str
  all:
    description:
      - Read the whole history instead of a date range (O(start) and O(end)).
      - V(false) is the same as not setting it.
    type: bool
  filter:
    description:
      - Return only reports whose email address contains this text.
    type: str
extends_documentation_fragment:
  - turbosmtp.api.connection
  - turbosmtp.api.connection.DASHBOARD
  - turbosmtp.api.connection.SEND_IGNORED
  - turbosmtp.api.listing
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
seealso:
  - module: turbosmtp.api.turbosmtp_report_cleanup
    description: Delete the reports, by id, by date range or all of a type.
  - module: turbosmtp.api.turbosmtp_stats_info
    description: Per-message delivery statistics, the status of each message for each recipient.
  - name: turbosmtp.api user guide
    description: The use case "scheduled report clean-up" with the C(turbosmtp.api.report_hygiene) role.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
'''

EXAMPLES = r'''
- name: Read the hard bounces of June
  turbosmtp.api.turbosmtp_reports_info:
    api_token: "{{ turbosmtp_api_token }}"
    type: hardbounce
    start: "2026-06-01"
    end: "2026-06-30"
  delegate_to: localhost
  run_once: true
  register: bounced

- name: Count every spam complaint from one domain
  turbosmtp.api.turbosmtp_reports_info:
    api_token: "{{ turbosmtp_api_token }}"
    type: spam
    all: true
    filter: "@example.org"
    count_only: true
  delegate_to: localhost
  run_once: true
  register: complaints

- name: Export every unsubscribe to CSV
  turbosmtp.api.turbosmtp_reports_info:
    api_token: "{{ turbosmtp_api_token }}"
    type: unsub
    all: true
    csv_dest: /var/tmp/turbosmtp-unsubscribes.csv
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
reports:
  description:
    - The selected reports, newest first; at most O(limit).
    - C(cid) is the id M(turbosmtp.api.turbosmtp_report_cleanup) takes in its O(turbosmtp.api.turbosmtp_report_cleanup#module:ids).
  returned: unless O(count_only) or O(csv_dest) is set
  type: list
  elements: dict
  contains:
    cid:
      description: The report id, the one O(turbosmtp.api.turbosmtp_report_cleanup#module:ids) takes.
      type: int
      returned: success
      sample: 351203311
    email:
      description: The email address the report is about.
      type: str
      returned: success
      sample: jane.doe@example.org
    ts:
      description: When the report was recorded, ISO 8601 in UTC.
      type: str
      returned: success
      sample: "2026-06-12T08:14:55.000Z"
    response:
      description: The text recorded with the report, such as the receiving server's answer to a bounced message.
      type: str
      returned: success
      sample: "550 5.1.1 <jane.doe@example.org>: Recipient address rejected: User unknown"
  sample:
    - cid: 351203311
      email: jane.doe@example.org
      ts: "2026-06-12T08:14:55.000Z"
      response: "550 5.1.1 <jane.doe@example.org>: Recipient address rejected: User unknown"
count:
  description:
    - How many reports match, as the API counts them. Not capped by O(limit).
  returned: success
  type: int
  sample: 120
csv_dest:
  description: The file the CSV export was written to.
  returned: when O(csv_dest) is set
  type: str
  sample: /var/tmp/turbosmtp-unsubscribes.csv
csv_bytes:
  description: The size of the CSV export written, in bytes.
  returned: when O(csv_dest) is set, not in check mode
  type: int
  sample: 14311
'''

from ansible_collections.turbosmtp.api.plugins.module_utils.listing_module import (
    LISTING_MUTUALLY_EXCLUSIVE,
    LISTING_REQUIRED_BY,
    ListingModule,
    check_listing_options,
    check_one_selection,
    listing_argument_spec,
    report_query,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import REPORT_TYPES


class ReportsInfo(ListingModule):

    argument_spec = dict(
        listing_argument_spec(),
        type=dict(type='str', required=True, choices=list(REPORT_TYPES)),
        start=dict(type='str'),
        end=dict(type='str'),
        all=dict(type='bool'),
        filter=dict(type='str'),
    )
    mutually_exclusive = LISTING_MUTUALLY_EXCLUSIVE
    required_together = [('start', 'end')]
    required_by = LISTING_REQUIRED_BY
    rows_name = 'reports'

    def validate(self):
        """The query values of the selection."""
        selected = [name for name, chosen in (('start and end', self.params['start'] is not None),
                                              ('all: true', self.params['all'])) if chosen]
        check_one_selection(selected, ('start and end', 'all: true'))
        check_listing_options(self.params)
        return report_query(self.params)

    def run(self, parsed):
        return self.read_list(parsed)

    @property
    def whole_history(self):
        return bool(self.params['all'])

    def count(self, query):
        return self.dashboard.reports_count(self.params['type'], query, whole_history=self.whole_history)

    def rows(self, query, limit, concurrency):
        return self.dashboard.reports_list(self.params['type'], query, whole_history=self.whole_history,
                                           limit=limit, concurrency=concurrency)

    def export(self, query, dest, attributes):
        return self.dashboard.reports_csv(self.params['type'], query, dest, whole_history=self.whole_history,
                                          attributes=attributes)


def main():
    ReportsInfo.execute()


if __name__ == '__main__':
    main()
