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
  - Counts the rows returned by M(turbosmtp.api.turbosmtp_stats_info) (its RV(turbosmtp.api.turbosmtp_stats_info#module:emails))
    by status, by status group and by day, and works out the delivered, read and bounce rates.
  - The groups are those of the module's O(turbosmtp.api.turbosmtp_stats_info#module:status_group) option, counted with
    the same mapping. They overlap, as in the API, so a row with status C(OPEN) counts in both C(delivered) and C(read).
  - A status the collection does not know is counted in RV(_value.by_status) and in no group.
  - Each row must have a C(sendTime) and a C(status); a row without either fails the task with a message naming
    the row's index.
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
from collections import Counter
from datetime import datetime, timedelta, timezone

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.six import string_types

from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import STATS_STATUSES, STATUS_GROUPS

# What the API sends (2026-04-24T10:58:06.000Z), and the looser forms a user may hand in:
# a space instead of T, no fraction, an explicit offset, or no zone at all (taken as UTC).
SEND_TIME_PATTERN = re.compile(
    r'(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?$', re.IGNORECASE)
TZ_PATTERN = re.compile(r'([+-])(\d\d):([0-5]\d)$')
# The offsets in use on Earth, as the modules accept them.
TZ_RANGE_MINUTES = (-12 * 60, 14 * 60)
RATE_GROUPS = ('delivered', 'read', 'bounce')
RATE_PLACES = 4


def _offset(text):
    sign, hours, minutes = text[0], int(text[1:3]), int(text[-2:])
    minutes_total = hours * 60 + minutes
    return timezone(timedelta(minutes=-minutes_total if sign == '-' else minutes_total))


def _parse_tz(tz):
    if tz is None:
        return timezone.utc
    match = TZ_PATTERN.match(tz) if isinstance(tz, string_types) else None
    if not match:
        raise AnsibleFilterError('stats_summary: tz must be a UTC offset such as +01:00 or -05:30, got %r' % (tz,))
    minutes = (1 if match.group(1) == '+' else -1) * (int(match.group(2)) * 60 + int(match.group(3)))
    if not TZ_RANGE_MINUTES[0] <= minutes <= TZ_RANGE_MINUTES[1]:
        raise AnsibleFilterError('stats_summary: tz must be between -12:00 and +14:00, got %r' % (tz,))
    return timezone(timedelta(minutes=minutes))


def _send_day(index, value, zone):
    match = SEND_TIME_PATTERN.match(value.strip()) if isinstance(value, string_types) else None
    moment = None
    if match:
        try:
            moment = datetime(*[int(part) for part in match.groups()[:6]])
        except ValueError:
            moment = None
    if moment is None:
        raise AnsibleFilterError('stats_summary: row %d has a sendTime that is not a time such as '
                                 '2026-04-24T10:58:06.000Z: %r' % (index, value))
    zone_text = match.group(7)
    source_zone = timezone.utc if zone_text is None or zone_text.upper() == 'Z' else _offset(zone_text)
    local = moment.replace(tzinfo=source_zone).astimezone(zone)
    return '%04d-%02d-%02d' % (local.year, local.month, local.day)


def _status_order(status):
    known = status in STATS_STATUSES
    return (0, STATS_STATUSES.index(status), '') if known else (1, 0, status)


def _ordered_statuses(counts):
    return dict((status, counts[status]) for status in sorted(counts, key=_status_order))


def _groups(status_counts):
    return dict((group, sum(status_counts.get(status, 0) for status in statuses))
                for group, statuses in STATUS_GROUPS.items())


def _rate(part, total):
    return round(float(part) / total, RATE_PLACES) if total else 0.0


def stats_summary(emails, tz=None):
    """The counts of the rows of turbosmtp_stats_info; see DOCUMENTATION."""
    if not isinstance(emails, (list, tuple)):
        raise AnsibleFilterError('stats_summary: expected the list of rows (the emails of turbosmtp_stats_info), '
                                 'got %s' % type(emails).__name__)
    zone = _parse_tz(tz)
    statuses = Counter()
    days = {}
    for index, row in enumerate(emails):
        if not isinstance(row, dict):
            raise AnsibleFilterError('stats_summary: row %d is not a dict: %r' % (index, row))
        missing = [field for field in ('sendTime', 'status') if row.get(field) in (None, '')]
        if missing:
            raise AnsibleFilterError('stats_summary: row %d has no %s' % (index, ' and no '.join(missing)))
        status = to_text(row['status'])
        day = _send_day(index, row['sendTime'], zone)
        statuses[status] += 1
        days.setdefault(day, Counter())[status] += 1

    total = sum(statuses.values())
    by_group = _groups(statuses)
    return {
        'total': total,
        'by_status': _ordered_statuses(statuses),
        'by_group': by_group,
        'rates': dict((group, _rate(by_group[group], total)) for group in RATE_GROUPS),
        'by_day': [
            {'date': day, 'total': sum(days[day].values()), 'by_status': _ordered_statuses(days[day]),
             'by_group': _groups(days[day])}
            for day in sorted(days)
        ],
    }


class FilterModule:

    def filters(self):
        return {'stats_summary': stats_summary}
