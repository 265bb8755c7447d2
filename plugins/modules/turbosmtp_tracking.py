#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_tracking
short_description: Turn turboSMTP click and open tracking on or off
version_added: 1.0.0
description:
  - Declares whether turboSMTP tracks clicks on links and opens of the messages the account sends.
  - Reads both settings (C(GET /api/tools/clickTracking) and C(GET /api/tools/openingTracking)) and
    enables or disables only those that differ from what is asked, so a rerun changes nothing.
  - When a change fails after another one was applied, the task fails with C(changed=true), and RV(tracking)
    shows the settings as far as the API confirmed them.
  - Use M(turbosmtp.api.turbosmtp_tracking_info) to read the settings without changing them.
author:
  - turbosmtp.api contributors (@turbosmtp)
options:
  click_tracking:
    description:
      - Whether links in sent messages are rewritten to track clicks.
      - Left as it is when not set. At least one of O(click_tracking) and O(open_tracking) is required.
    type: bool
  open_tracking:
    description:
      - Whether sent messages carry a pixel that tracks opens.
      - Left as it is when not set.
    type: bool
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
      - Reads the settings and reports what would change, without changing anything.
  diff_mode:
    support: full
    details:
      - Returns both settings before and after in RV(diff.before) and RV(diff.after).
  idempotent:
    support: full
    details:
      - Reads both settings and changes only those that differ from what is asked; a second run changes nothing.
seealso:
  - module: turbosmtp.api.turbosmtp_tracking_info
    description: Read the settings, with the raw tool objects, without changing them.
  - name: turbosmtp.api user guide
    description: The use case "tracking as code" with the C(turbosmtp.api.tracking) role, which wraps this module.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
'''

EXAMPLES = r'''
- name: Track clicks but not opens
  turbosmtp.api.turbosmtp_tracking:
    api_token: "{{ turbosmtp_api_token }}"
    click_tracking: true
    open_tracking: false
  delegate_to: localhost
  run_once: true

- name: Turn on open tracking, leaving click tracking as it is
  turbosmtp.api.turbosmtp_tracking:
    email: "{{ turbosmtp_email }}"
    password: "{{ turbosmtp_password }}"
    open_tracking: true
  delegate_to: localhost
  run_once: true
  register: tracking

- name: Show the settings now in place
  ansible.builtin.debug:
    msg: "clicks: {{ tracking.tracking.click_tracking }}, opens: {{ tracking.tracking.open_tracking }}"
'''

RETURN = r'''
tracking:
  description:
    - Both settings after the task (in check mode, what they would be).
    - When a change failed, the settings as the API last confirmed them.
  returned: success, and when a change failed
  type: dict
  contains:
    click_tracking:
      description: Whether click tracking is on.
      type: bool
      returned: success
      sample: true
    open_tracking:
      description: Whether open tracking is on.
      type: bool
      returned: success
      sample: false
  sample:
    click_tracking: true
    open_tracking: false
diff:
  description: Both settings before and after the task, when it runs in diff mode.
  returned: in diff mode
  type: dict
  contains:
    before:
      description: The settings as the task found them.
      type: dict
      returned: in diff mode
      contains:
        click_tracking:
          description: Whether click tracking is on.
          type: bool
          returned: in diff mode
          sample: false
        open_tracking:
          description: Whether open tracking is on.
          type: bool
          returned: in diff mode
          sample: false
    after:
      description: The settings after the task, as in RV(tracking).
      type: dict
      returned: in diff mode
      contains:
        click_tracking:
          description: Whether click tracking is on.
          type: bool
          returned: in diff mode
          sample: true
        open_tracking:
          description: Whether open tracking is on.
          type: bool
          returned: in diff mode
          sample: false
'''

from ansible_collections.turbosmtp.api.plugins.module_utils.client import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils.module import TaskFailed, TurboSMTPModule
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import TOOLS


class Tracking(TurboSMTPModule):

    argument_spec = dict(
        click_tracking=dict(type='bool'),
        open_tracking=dict(type='bool'),
    )
    required_one_of = [('click_tracking', 'open_tracking')]

    def run(self, parsed):
        before = self.current_settings()
        changes = dict((option, self.params[option]) for option in TOOLS
                       if self.params[option] is not None and self.params[option] != before[option])
        if self.check_mode:
            return self.result(before, dict(before, **changes))
        after = dict(before)
        for option in sorted(changes):
            try:
                after[option] = self.apply(option, changes[option])
            except TurboSMTPError as error:
                raise TaskFailed(error.message, error, **self.result(before, after)) from error
        return self.result(before, after)

    def result(self, before, after):
        result = dict(changed=after != before, tracking=after)
        if self.diff_mode:
            result['diff'] = dict(before=before, after=after)
        return result

    def current_settings(self):
        return dict((option, bool(self.dashboard.tool(tool)['enabled'])) for option, tool in TOOLS.items())

    def apply(self, option, enabled):
        """Switch one tool; the API's answer is the truth about the state after (a tool may be forced)."""
        return bool(self.dashboard.set_tool(TOOLS[option], enabled)['enabled'])


def main():
    Tracking.execute()


if __name__ == '__main__':
    main()
