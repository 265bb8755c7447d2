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
  summary:
    description:
      - Instead of the rows, return RV(summary), the deliverability summary of the selected messages (totals by
        status, by status group and by day, and rates), exactly as the filter P(turbosmtp.api.stats_summary#filter)
        computes it from the rows, but built from the API's counts only (C(/api/stats/panes/emails/count)). No row
        is read, so it costs the same for a million messages as for a hundred.
      - Days are the calendar days of O(tz). When O(tz) is not set the API reads O(start) and O(end) in C(+01:00),
        and the days are counted in C(+01:00) too, so set O(tz=+00:00) to get the days of
        C(emails | turbosmtp.api.stats_summary) (which counts in UTC by default).
      - One count request per status per calendar day of the range, plus one for the whole range (64 for a week),
        O(concurrency) at a time.
      - With O(status) or O(status_group), only those statuses are counted.
      - When the statuses of the range do not add up to its total count (the API knows a status this collection
        does not, or mail arrived while counting), the module warns and says by how much; the C(total) of RV(summary) is
        the API's count.
      - Mutually exclusive with O(last), O(limit), O(count_only) and O(csv_dest).
    type: bool
    default: false
    version_added: 1.1.0
extends_documentation_fragment:
  - turbosmtp.api.connection
  - turbosmtp.api.connection.DASHBOARD
  - turbosmtp.api.connection.SEND_IGNORED
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
    start: "{{ '%Y-%m-%d' | strftime(ansible_facts.date_time.epoch | int - 86400) }}"
    end: "{{ '%Y-%m-%d' | strftime(ansible_facts.date_time.epoch | int - 86400) }}"
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

- name: Summarise last week by status, group and day, from the API's counts (64 requests, whatever the volume)
  turbosmtp.api.turbosmtp_stats_info:
    api_token: "{{ turbosmtp_api_token }}"
    start: "2026-06-24"
    end: "2026-06-30"
    tz: "+00:00"
    summary: true
  delegate_to: localhost
  run_once: true
  register: week

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
  returned: unless O(count_only), O(csv_dest) or O(summary) is set
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
summary:
  description:
    - The deliverability summary of the selected messages, from the API's counts (see O(summary)); the same dict as
      P(turbosmtp.api.stats_summary#filter) returns for the same rows.
    - C(total), C(by_status) (statuses with messages, in the API's order), C(by_group) (C(queued), C(delivered),
      C(read), C(bounce)), C(rates) (C(delivered), C(read) and C(bounce) as fractions of C(total), 4 places) and
      C(by_day) (one entry per day of O(tz) with messages, oldest first, each with C(date), C(total), C(by_status)
      and C(by_group)).
  returned: when O(summary=true)
  type: dict
  version_added: 1.1.0
  contains:
    total:
      description: How many messages the range holds, as the API counts them.
      type: int
      returned: always
    by_status:
      description: Messages per status, for the statuses with messages, in the API's order.
      type: dict
      returned: always
      contains: &status_counts
        NEW:
          description: Messages whose status is C(NEW).
          type: int
          returned: when there are such messages
        DEFER:
          description: Messages whose status is C(DEFER).
          type: int
          returned: when there are such messages
        SUCCESS:
          description: Messages whose status is C(SUCCESS).
          type: int
          returned: when there are such messages
        OPEN:
          description: Messages whose status is C(OPEN).
          type: int
          returned: when there are such messages
        CLICK:
          description: Messages whose status is C(CLICK).
          type: int
          returned: when there are such messages
        REPORT:
          description: Messages whose status is C(REPORT).
          type: int
          returned: when there are such messages
        FAIL:
          description: Messages whose status is C(FAIL).
          type: int
          returned: when there are such messages
        SYSFAIL:
          description: Messages whose status is C(SYSFAIL).
          type: int
          returned: when there are such messages
        UNSUB:
          description: Messages whose status is C(UNSUB).
          type: int
          returned: when there are such messages
    by_group:
      description: Messages per status group (C(queued), C(delivered), C(read), C(bounce)).
      type: dict
      returned: always
      contains: &group_counts
        queued:
          description: Messages of the C(queued) status group.
          type: int
          returned: always
        delivered:
          description: Messages of the C(delivered) status group.
          type: int
          returned: always
        read:
          description: Messages of the C(read) status group.
          type: int
          returned: always
        bounce:
          description: Messages of the C(bounce) status group.
          type: int
          returned: always
    rates:
      description: C(delivered), C(read) and C(bounce) as fractions of C(total), rounded to 4 places.
      type: dict
      returned: always
      contains:
        delivered:
          description: The C(delivered) messages as a fraction of C(total).
          type: float
          returned: always
        read:
          description: The C(read) messages as a fraction of C(total).
          type: float
          returned: always
        bounce:
          description: The C(bounce) messages as a fraction of C(total).
          type: float
          returned: always
    by_day:
      description: One entry per calendar day of O(tz) with messages, oldest first.
      type: list
      elements: dict
      returned: always
      contains:
        date:
          description: The day, C(YYYY-MM-DD).
          type: str
          returned: always
        total:
          description: Messages of that day.
          type: int
          returned: always
        by_status:
          description: Messages of that day per status.
          type: dict
          returned: always
          contains: *status_counts
        by_group:
          description: Messages of that day per status group.
          type: dict
          returned: always
          contains: *group_counts
  sample:
    total: 5
    by_status: {"SUCCESS": 3, "FAIL": 2}
    by_group: {"queued": 0, "delivered": 3, "read": 0, "bounce": 2}
    rates: {"delivered": 0.6, "read": 0.0, "bounce": 0.4}
    by_day:
      - date: "2026-06-29"
        total: 5
        by_status: {"SUCCESS": 3, "FAIL": 2}
        by_group: {"queued": 0, "delivered": 3, "read": 0, "bounce": 2}
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

from ansible_collections.turbosmtp.api.plugins.module_utils._stats_summary import summary_from_counts
from ansible_collections.turbosmtp.api.plugins.module_utils.listing_module import (
    LISTING_MUTUALLY_EXCLUSIVE,
    LISTING_REQUIRED_BY,
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
        summary=dict(type='bool', default=False),
    )
    mutually_exclusive = LISTING_MUTUALLY_EXCLUSIVE + [('status', 'status_group')] + [
        ('last', option) for option in ('start', 'end', 'status', 'status_group', 'tz', 'count_only', 'csv_dest')] + [
        ('summary', option) for option in ('last', 'limit', 'count_only', 'csv_dest')]
    required_together = [('start', 'end')]
    required_one_of = [('start', 'last')]
    required_by = LISTING_REQUIRED_BY
    rows_name = 'emails'

    def validate(self):
        """The query values of the range; None with last."""
        check_listing_options(self.params)
        return None if self.params['last'] is not None else stats_query(self.params)

    def run(self, parsed):
        if parsed is None:
            return self.latest()
        if self.params['summary']:
            summary, warnings = summary_from_counts(self.dashboard, parsed, self.params['concurrency'])
            for warning in warnings:
                self.warn(warning)
            return dict(changed=False, count=summary['total'], summary=summary)
        return self.read_list(parsed)

    def count(self, query):
        return self.dashboard.stats_count(query)

    def rows(self, query, limit, concurrency):
        return self.dashboard.stats_list(query, limit=limit, concurrency=concurrency)

    def export(self, query, dest, attributes):
        return self.dashboard.stats_csv(query, dest, attributes)

    def latest(self):
        emails = self.dashboard.stats_feed(self.params['last'])
        if self.params['limit'] is not None:
            emails = emails[:self.params['limit']]
        return dict(changed=False, emails=emails, count=len(emails))


def main():
    StatsInfo.execute()


if __name__ == '__main__':
    main()
