# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    # What each attribute means; modules add their own support level (every module states idempotent).
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying the account.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same options, the second run reports no change
        and changes nothing in the turboSMTP account.
      - This assumes that nothing else changed the account in between (another task, the dashboard, mail arriving).
'''

    ACTIONGROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/turbosmtp.api.turbosmtp) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - turbosmtp.api.turbosmtp
'''

    # For the modules that only read; use with DOCUMENTATION.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - This action does not modify state.
'''
