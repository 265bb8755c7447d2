#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_stats_info
short_description: Read the turboSMTP per-message delivery statistics
version_added: 1.0.0
description:
  - Returns the messages sent between O(start) and O(end), one row per recipient with its delivery status,
    newest first, optionally only those with some statuses.
  - Asks for the count first, then fetches every page (10 rows each) concurrently, and returns the rows in
    API order with none lost or duplicated.
  - A row that moves to the next page while the pages are read (new rows arrive at the top) is returned once,
    as a row identical in every field to one of an earlier page is dropped. Rows that only share their C(id) are
    different rows and are all returned.
  - Alternatively returns the latest 10, 20 or 30 messages (O(last)), only the count (O(count_only)), or writes
    the API's CSV export to a file (O(csv_dest)) without holding it in memory.
author:
  - turbosmtp.api contributors (@turbosmtp)
options:
  start:
    description:
      - Start of the time range, in the form C(YYYY-MM-DD HH:MM:SS) in the time zone O(tz).
        A bare date C(YYYY-MM-DD) means the start of that day.
      - Required, together with O(end), unless O(last) is set.
    type: str
  end:
    description:
      - End of the time range (included), in the form C(YYYY-MM-DD HH:MM:SS) in the time zone O(tz).
        A bare date C(YYYY-MM-DD) means the end of that day (C(23:59:59)).
      - Must not be before O(start).
    type: str
  status:
    description:
      - Return only messages with one of these statuses. Default is every status.
      - Each one of V(NEW), V(DEFER), V(SUCCESS), V(OPEN), V(CLICK), V(REPORT), V(FAIL), V(SYSFAIL) or V(UNSUB)
        (case does not matter).
      - Mutually exclusive with O(status_group).
    type: list
    elements: str
  status_group:
    description:
      - Return only messages with a status of this group.
      - V(queued) is NEW and DEFER; V(delivered) is SUCCESS, OPEN, CLICK, UNSUB and REPORT;
        V(read) is OPEN, CLICK, UNSUB and REPORT; V(bounce) is FAIL and SYSFAIL.
      - Mutually exclusive with O(status).
    type: str
    choices: [bounce, delivered, queued, read]
  last:
    description:
      - Instead of a time range, return the latest 10, 20 or 30 messages (the dashboard's email feed).
      - Mutually exclusive with O(start), O(end), O(status), O(status_group), O(tz), O(count_only) and O(csv_dest).
    type: int
    choices: [10, 20, 30]
extends_documentation_fragment:
  - turbosmtp.api.connection
  - turbosmtp.api.listing
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
seealso:
  - module: turbosmtp.api.turbosmtp_send
    description: Send the messages these statistics are about.
  - module: turbosmtp.api.turbosmtp_reports_info
    description: The bounce, spam and unsubscribe reports.
  - name: Event-Driven Ansible guide
    description: React to deliveries, bounces and clicks as they happen, with the C(turbosmtp.api.events) and C(turbosmtp.api.webhook) event sources.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/event_driven_ansible.rst
  - name: turbosmtp.api user guide
    description: Authentication, C(module_defaults) and the meaning of the API error codes.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
'''

EXAMPLES = r'''
- name: Read yesterday's bounces
  turbosmtp.api.turbosmtp_stats_info:
    api_token: "{{ turbosmtp_api_token }}"
    start: "{{ '%Y-%m-%d' | strftime(ansible_date_time.epoch | int - 86400) }}"
    end: "{{ '%Y-%m-%d' | strftime(ansible_date_time.epoch | int - 86400) }}"
    tz: "+00:00"
    status_group: bounce
  delegate_to: localhost
  run_once: true
  register: bounced

- name: Count the clicks of June
  turbosmtp.api.turbosmtp_stats_info:
    api_token: "{{ turbosmtp_api_token }}"
    start: "2026-06-01"
    end: "2026-06-30"
    status: [CLICK]
    count_only: true
  delegate_to: localhost
  run_once: true
  register: clicks

- name: Show the latest ten messages
  turbosmtp.api.turbosmtp_stats_info:
    api_token: "{{ turbosmtp_api_token }}"
    last: 10
  delegate_to: localhost
  run_once: true
  register: latest

- name: Export the first half of 2026 to CSV
  turbosmtp.api.turbosmtp_stats_info:
    api_token: "{{ turbosmtp_api_token }}"
    start: "2026-01-01 00:00:00"
    end: "2026-06-30 23:59:59"
    csv_dest: /var/tmp/turbosmtp-2026-h1.csv
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
emails:
  description:
    - The selected messages, newest first, one per recipient; at most O(limit).
  returned: unless O(count_only) or O(csv_dest) is set
  type: list
  elements: dict
  contains:
    id:
      description: The id of the row (one message to one recipient).
      type: int
      returned: success
      sample: 4612864212
    subject:
      description: The subject of the message.
      type: str
      returned: success
      sample: Deployment of shop 2.4.1
    sender:
      description: The sender of the message.
      type: str
      returned: success
      sample: ops@example.com
    recipient:
      description: The recipient this row is about.
      type: str
      returned: success
      sample: dev@example.org
    sendTime:
      description: When the message was sent, ISO 8601 in UTC.
      type: str
      returned: success
      sample: "2026-04-24T10:58:06.000Z"
    status:
      description:
        - The delivery status, one of V(NEW), V(DEFER), V(SUCCESS), V(OPEN), V(CLICK), V(REPORT), V(FAIL),
          V(SYSFAIL) or V(UNSUB) (see O(status)).
      type: str
      returned: success
      sample: SUCCESS
    error:
      description: Why delivery failed or was deferred, as the receiving server or turboSMTP put it; null when there is none.
      type: str
      returned: success
      sample: null
  sample:
    - id: 4612864212
      subject: Deployment of shop 2.4.1
      sender: ops@example.com
      recipient: dev@example.org
      sendTime: "2026-04-24T10:58:06.000Z"
      status: SUCCESS
      error: null
count:
  description:
    - How many messages match, as the API counts them (with O(last), the number of rows returned).
    - Not capped by O(limit).
  returned: success
  type: int
  sample: 2817
csv_dest:
  description: The file the CSV export was written to.
  returned: when O(csv_dest) is set
  type: str
  sample: /var/tmp/turbosmtp-2026-h1.csv
csv_bytes:
  description: The size of the CSV export written, in bytes.
  returned: when O(csv_dest) is set, not in check mode
  type: int
  sample: 348211
'''

from ansible_collections.turbosmtp.api.plugins.module_utils.queries import (
    LISTING_MUTUALLY_EXCLUSIVE,
    ListingModule,
    check_listing_options,
    listing_argument_spec,
    stats_query,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import EMAIL_FEED_SIZES, STATUS_GROUPS


class StatsInfo(ListingModule):

    argument_spec = dict(
        listing_argument_spec(),
        start=dict(type='str'),
        end=dict(type='str'),
        status=dict(type='list', elements='str'),
        status_group=dict(type='str', choices=sorted(STATUS_GROUPS)),
        last=dict(type='int', choices=list(EMAIL_FEED_SIZES)),
    )
    mutually_exclusive = LISTING_MUTUALLY_EXCLUSIVE + [('status', 'status_group')] + [
        ('last', option) for option in ('start', 'end', 'status', 'status_group', 'tz', 'count_only', 'csv_dest')]
    required_together = [('start', 'end')]
    required_one_of = [('start', 'last')]
    rows_name = 'emails'
    # The query values of the range, checked by validate() before any request; None with last.
    query = None

    def validate(self):
        check_listing_options(self.params)
        if self.params['last'] is None:
            self.query = stats_query(self.params)

    def run(self):
        if self.query is None:
            return self.latest()
        return self.read_list()

    def count(self):
        return self.dashboard.stats_count(self.query)

    def rows(self, limit, concurrency):
        return self.dashboard.stats_list(self.query, limit=limit, concurrency=concurrency)

    def export(self, dest):
        return self.dashboard.stats_csv(self.query, dest)

    def latest(self):
        emails = self.dashboard.stats_feed(self.params['last'])
        if self.params['limit'] is not None:
            emails = emails[:self.params['limit']]
        return dict(changed=False, emails=emails, count=len(emails))


def main():
    StatsInfo.execute()


if __name__ == '__main__':
    main()
