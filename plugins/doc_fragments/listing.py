# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    # How the list modules read a list: the options of plugins/module_utils/listing_module.py listing_argument_spec.
    DOCUMENTATION = r'''
options:
  tz:
    description:
      - The UTC offset the dates and times of O(start) and O(end) are in, from V(-12:00) to V(+14:00),
        such as V(+01:00) or V(-05:30). Any other value fails the task before any request.
      - The API uses V(+01:00) when not set.
    type: str
  count_only:
    description:
      - Return only RV(count), with the single count request, and no rows.
    type: bool
    default: false
  limit:
    description:
      - Return at most this many rows (the newest), fetching only the pages needed.
    type: int
  csv_dest:
    description:
      - Write the API's CSV export of the selected rows to this file, on the host that runs the module,
        instead of returning the rows.
      - The file is replaced whole or not at all. Its directory must exist.
      - The export is asked for in a single request, with the same selection as the rows and without C(page)
        (which the API documentation lists on the report exports); the file holds what that one answer holds.
      - An answer that is not CSV, such as an error object under HTTP 200, a JSON or HTML C(Content-Type), or a
        body that is a JSON object or list, fails the task and leaves the file as it was.
      - In check mode nothing is written.
      - The export holds personal data (addresses, complaints), so a new file is created with mode C(0600) unless
        O(mode), O(owner) or O(group) say otherwise. A file that is replaced keeps its owner, group and mode, as with
        Ansible's own file modules; O(mode), O(owner) and O(group), when set, then apply.
    type: path
  mode:
    description:
      - The permissions of the O(csv_dest) file, as for M(ansible.builtin.file); in octal form (V('0640'), quoted)
        or symbolic form (V(u=rw,g=r)).
      - Not set, a new file is C(0600) and a replaced file keeps its mode.
    type: raw
    version_added: 1.1.0
  owner:
    description:
      - The user (name or uid) that owns the O(csv_dest) file. Not set, a new file belongs to the user the module runs as
        and a replaced file keeps its owner (when the module runs as root).
    type: str
    version_added: 1.1.0
  group:
    description:
      - The group (name or gid) of the O(csv_dest) file. Not set, as for O(owner).
    type: str
    version_added: 1.1.0
  concurrency:
    description:
      - How many pages are fetched at the same time, from 1 to 32.
    type: int
    default: 4
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify the account. With O(csv_dest), check mode writes no file.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - This action does not modify the account and always reports no change. With O(csv_dest), the file is
        written again on every run (outside check mode), still reporting no change.
'''
