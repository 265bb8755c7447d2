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
  tz:
    description:
      - The UTC offset O(start) and O(end) are in, such as V(+01:00) or V(-05:30).
      - The API uses V(+01:00) when not set.
    type: str
extends_documentation_fragment:
  - turbosmtp.api.connection
  - turbosmtp.api.listing
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
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

from ansible_collections.turbosmtp.api.plugins.module_utils.client import REPORT_PAGE_SIZE
from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule
from ansible_collections.turbosmtp.api.plugins.module_utils.queries import (
    check_listing_options,
    listing_argument_spec,
    read_list,
    report_path,
    report_query,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import REPORT_TYPES


class ReportsInfo(TurboSMTPModule):

    argument_spec = dict(
        listing_argument_spec(),
        type=dict(type='str', required=True, choices=list(REPORT_TYPES)),
        start=dict(type='str'),
        end=dict(type='str'),
        all=dict(type='bool'),
        filter=dict(type='str'),
    )
    mutually_exclusive = [
        ('count_only', 'csv_dest'),
        ('limit', 'csv_dest'),
    ]
    required_together = [('start', 'end')]
    # The query values, checked by validate() before any request.
    query = None

    def validate(self):
        # all: false is accepted beside a range, so that a playbook can template it.
        if self.params['all'] and self.params['start'] is not None:
            raise ValueError('all: true and start/end are mutually exclusive: select either a date range or the whole history')
        if not self.params['all'] and self.params['start'] is None:
            raise ValueError('one of start and end, or all: true, is required')
        check_listing_options(self.params)
        self.query = report_query(self.params)

    def run(self):
        found = read_list(self.dashboard, report_path(self.params['type'], self.params['all']), self.query,
                          REPORT_PAGE_SIZE, self.params, self.check_mode)
        if 'rows' in found:
            found['reports'] = found.pop('rows')
        return dict(changed=False, **found)


def main():
    ReportsInfo.execute()


if __name__ == '__main__':
    main()
