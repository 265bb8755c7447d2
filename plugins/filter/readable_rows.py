# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: readable_rows
author:
  - turbosmtp.api contributors (@turbosmtp)
version_added: 1.1.0
short_description: Keep the rows that have the fields a report needs, and warn about the others
description:
  - Returns the rows (for example the RV(turbosmtp.api.turbosmtp_reports_info#module:reports) of
    M(turbosmtp.api.turbosmtp_reports_info)) that are dicts with a value (not null, not empty) for each of O(fields),
    in their order.
  - Every other row is left out with a warning that says how many were left out and which (their index), so that
    one odd row from the API does not stop a report. The count of rows left out is the length of the input minus
    the length of the output.
options:
  _input:
    description: The rows.
    type: list
    elements: raw
    required: true
  fields:
    description: The fields each row must have.
    type: list
    elements: str
    default: [ts, email]
  what:
    description: What the rows are, in the warning (such as C(spam complaints)).
    type: str
    default: rows
seealso:
  - name: The turbosmtp.api.digest role
    description: Lists the newest spam complaints it can read, and says how many it could not.
    link: https://github.com/turbosmtp/ansible-collection-api/tree/main/roles/digest
'''

EXAMPLES = r'''
- name: List the spam complaints that have an address and a time
  ansible.builtin.debug:
    msg: "{{ item.ts }} {{ item.email }}"
  loop: "{{ spam.reports | turbosmtp.api.readable_rows(what='spam complaints') }}"
'''

RETURN = r'''
_value:
  description: The rows that have every field in O(fields), in their order.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

display = Display()
# Enough indices to find the rows; the count says how many there are.
SHOWN_INDICES = 10


def _kind(value):
    """What a value is, in a playbook author's words: ansible-core 2.19+ hands filters its own lazy dict and list classes."""
    for types, name in (((bool,), 'a boolean'), ((dict,), 'a dict'), ((str,), 'a string'), ((list, tuple), 'a list'),
                        ((int, float), 'a number')):
        if isinstance(value, types):
            return name
    return 'null' if value is None else 'a %s' % type(value).__name__


def _readable(row, fields):
    return isinstance(row, dict) and all(row.get(field) is not None and row.get(field) != '' for field in fields)


def readable_rows(rows, fields=('ts', 'email'), what='rows'):
    """The rows that have every field; warn about the others. See DOCUMENTATION."""
    if not isinstance(rows, (list, tuple)):
        raise AnsibleFilterError('readable_rows: expected a list of rows, got %s' % _kind(rows))
    if isinstance(fields, str) or not all(isinstance(field, str) for field in fields):
        raise AnsibleFilterError('readable_rows: fields must be a list of field names, got %r' % (fields,))
    kept = []
    skipped = []
    for index, row in enumerate(rows):
        if _readable(row, fields):
            kept.append(row)
        else:
            skipped.append(index)
    if skipped:
        shown = ', '.join(str(index) for index in skipped[:SHOWN_INDICES]) + (', ...' if len(skipped) > SHOWN_INDICES else '')
        display.warning('skipped %d of %d %s without %s (row %s)'
                        % (len(skipped), len(rows), what, ' or '.join(fields), shown))
    return kept


class FilterModule:

    def filters(self):
        return {'readable_rows': readable_rows}
