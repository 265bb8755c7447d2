# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: stats_summary
author:
  - turbosmtp.api contributors (@turbosmtp)
version_added: 1.1.0
short_description: Summarise the rows of turbosmtp_stats_info into deliverability counts
description:
  - Counts the rows of the RV(turbosmtp.api.turbosmtp_stats_info#module:emails) list that M(turbosmtp.api.turbosmtp_stats_info)
    returns by status, by status group and by day, and works out the delivered, read and bounce rates.
  - The groups are those of the module's O(turbosmtp.api.turbosmtp_stats_info#module:status_group) option, counted with
    the same mapping. They overlap, as in the API, so a row with status C(OPEN) counts in both C(delivered) and C(read).
  - A status the collection does not know is counted in RV(_value.by_status) and in no group. A status that is not
    a string, or that is named like a method of a dict (such as C(items) or C(values), which a template would read
    as the method), is counted as C(UNKNOWN).
  - Each row must have a C(sendTime) and a C(status); a row without either, or with a C(sendTime) that is not a
    time (an impossible date or offset such as C(+99:99), or one that leaves the calendar in O(tz)), fails the task
    with a message naming the row's index.
  - M(turbosmtp.api.turbosmtp_stats_info) returns the same dict, computed from the API's counts without reading a
    row, with O(turbosmtp.api.turbosmtp_stats_info#module:summary=true).
options:
  _input:
    description:
      - The rows, each a dict with at least C(sendTime) (such as C(2026-04-24T10:58:06.000Z)) and C(status).
      - A C(sendTime) without an offset is taken as UTC.
    type: list
    elements: dict
    required: true
  tz:
    description:
      - The UTC offset, such as C(+01:00) or C(-05:30), in which the days of RV(_value.by_day) are counted.
      - Without it, days are counted in UTC.
    type: str
seealso:
  - module: turbosmtp.api.turbosmtp_stats_info
  - name: The turbosmtp.api.digest role
    description: Mails this summary once a week as a chart (C(ansible-doc -t role turbosmtp.api.digest)).
    link: https://github.com/turbosmtp/ansible-collection-api/tree/main/roles/digest
'''

EXAMPLES = r'''
- name: Read last week's mail
  turbosmtp.api.turbosmtp_stats_info:
    start: "2026-06-24 00:00:00"
    end: "2026-06-30 23:59:59"
    tz: "+00:00"
  register: week

- name: Show how much of it got through
  ansible.builtin.debug:
    msg: >-
      {{ summary.total }} messages, {{ (summary.rates.delivered * 100) | round(1) }}% delivered,
      {{ summary.by_group.bounce }} bounced
  vars:
    summary: "{{ week.emails | turbosmtp.api.stats_summary }}"

- name: Count the days in Rome's time zone
  ansible.builtin.set_fact:
    week_by_day: "{{ (week.emails | turbosmtp.api.stats_summary(tz='+02:00')).by_day }}"
'''

RETURN = r'''
_value:
  description: The counts.
  type: dict
  contains:
    total:
      description: How many rows there are.
      type: int
      sample: 42
    by_status:
      description:
        - Every status seen, with how many rows have it. Statuses that no row has are left out.
        - Known statuses come in the API's order (C(NEW), C(DEFER), C(SUCCESS), C(OPEN), C(CLICK), C(REPORT),
          C(FAIL), C(SYSFAIL), C(UNSUB)), then any others in alphabetical order.
      type: dict
      sample: {"SUCCESS": 20, "OPEN": 12, "FAIL": 3}
    by_group:
      description:
        - How many rows fall in each status group. All four groups are always present.
        - C(queued) is C(NEW) and C(DEFER); C(delivered) is C(SUCCESS), C(OPEN), C(CLICK), C(UNSUB) and C(REPORT);
          C(read) is C(OPEN), C(CLICK), C(UNSUB) and C(REPORT); C(bounce) is C(FAIL) and C(SYSFAIL).
      type: dict
      sample: {"queued": 7, "delivered": 32, "read": 12, "bounce": 3}
    rates:
      description:
        - The C(delivered), C(read) and C(bounce) groups as fractions of RV(_value.total), rounded to 4 places.
        - Each is V(0.0) when there are no rows.
      type: dict
      sample: {"delivered": 0.7619, "read": 0.2857, "bounce": 0.0714}
    by_day:
      description:
        - One entry per day that has rows, oldest first. Days without rows are left out.
        - Each has C(date) (C(YYYY-MM-DD), in O(tz)), C(total), C(by_status) (as RV(_value.by_status)) and
          C(by_group) (as RV(_value.by_group)).
      type: list
      elements: dict
      sample:
        - date: "2026-06-29"
          total: 5
          by_status: {"SUCCESS": 3, "FAIL": 2}
          by_group: {"queued": 0, "delivered": 3, "read": 0, "bounce": 2}
'''

import re
from datetime import datetime, timedelta, timezone

from ansible.errors import AnsibleFilterError

from ansible_collections.turbosmtp.api.plugins.module_utils._stats_summary import build_summary, status_name
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import utc_offset_minutes

# What the API sends (2026-04-24T10:58:06.000Z), and the looser forms a user may hand in:
# a space instead of T, no fraction, an explicit offset, or no zone at all (taken as UTC).
SEND_TIME_PATTERN = re.compile(
    r'(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?$', re.IGNORECASE)


def _kind(value):
    """What a value is, in a playbook author's words: ansible-core 2.19+ hands filters its own lazy dict and list classes."""
    for types, name in (((bool,), 'a boolean'), ((dict,), 'a dict'), ((str,), 'a string'), ((list, tuple), 'a list'),
                        ((int, float), 'a number')):
        if isinstance(value, types):
            return name
    return 'null' if value is None else 'a %s' % type(value).__name__


def _offset(text):
    sign, hours, minutes = text[0], int(text[1:3]), int(text[-2:])
    minutes_total = hours * 60 + minutes
    return timezone(timedelta(minutes=-minutes_total if sign == '-' else minutes_total))


def _parse_tz(tz):
    """The zone of tz, a UTC offset as the modules accept it; UTC when unset."""
    if tz is None:
        return timezone.utc
    try:
        return timezone(timedelta(minutes=utc_offset_minutes('tz', tz)))
    except ValueError as error:
        raise AnsibleFilterError('stats_summary: %s' % error) from error


def _send_day(index, value, zone):
    match = SEND_TIME_PATTERN.match(value.strip()) if isinstance(value, str) else None
    local = None
    if match:
        zone_text = match.group(7)
        try:
            year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
            moment = datetime(year, month, day, hour, minute, second)
            source_zone = timezone.utc if zone_text is None or zone_text.upper() == 'Z' else _offset(zone_text)
            local = moment.replace(tzinfo=source_zone).astimezone(zone)
        except (ValueError, OverflowError):
            # A day that does not exist, an offset of a day or more (+2400, +99:99), or a moment that
            # leaves the calendar once moved to tz (0001-01-01 west of UTC).
            local = None
    if local is None:
        raise AnsibleFilterError('stats_summary: row %d has a sendTime that is not a time such as '
                                 '2026-04-24T10:58:06.000Z (with an offset between -23:59 and +23:59): %r' % (index, value))
    return '%04d-%02d-%02d' % (local.year, local.month, local.day)


def stats_summary(emails, tz=None):
    """The counts of the rows of turbosmtp_stats_info; see DOCUMENTATION."""
    if not isinstance(emails, (list, tuple)):
        raise AnsibleFilterError('stats_summary: expected the list of rows (the emails of turbosmtp_stats_info), '
                                 'got %s' % _kind(emails))
    zone = _parse_tz(tz)
    days = {}  # type: dict[str, dict[str, int]]
    for index, row in enumerate(emails):
        if not isinstance(row, dict):
            raise AnsibleFilterError('stats_summary: row %d is not a dict: %r' % (index, row))
        missing = [field for field in ('sendTime', 'status') if row.get(field) is None or row.get(field) == '']
        if missing:
            raise AnsibleFilterError('stats_summary: row %d has no %s' % (index, ' and no '.join(missing)))
        day = days.setdefault(_send_day(index, row['sendTime'], zone), {})
        status = status_name(row['status'])
        day[status] = day.get(status, 0) + 1
    return build_summary(days)


class FilterModule:

    def filters(self):
        return {'stats_summary': stats_summary}
