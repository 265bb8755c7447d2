#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_tracking_info
short_description: Read the turboSMTP click and open tracking settings
version_added: 1.0.0
description:
  - Reads whether click tracking and open tracking are on, from C(GET /api/tools/clickTracking)
    and C(GET /api/tools/openingTracking).
  - Use M(turbosmtp.api.turbosmtp_tracking) to change them.
author:
  - turbosmtp.api contributors (@turbosmtp)
extends_documentation_fragment:
  - turbosmtp.api.connection
  - turbosmtp.api.connection.DASHBOARD
  - turbosmtp.api.connection.SEND_IGNORED
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
  - turbosmtp.api.attributes.INFO_MODULE
seealso:
  - module: turbosmtp.api.turbosmtp_tracking
    description: Turn click and open tracking on or off.
  - name: turbosmtp.api user guide
    description: The use case "tracking as code" with the C(turbosmtp.api.tracking) role.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
'''

EXAMPLES = r'''
- name: Read the tracking settings
  turbosmtp.api.turbosmtp_tracking_info:
    api_token: "{{ turbosmtp_api_token }}"
  delegate_to: localhost
  run_once: true
  register: turbosmtp

- name: Warn when opens are not tracked
  ansible.builtin.debug:
    msg: Open tracking is off, open rates will read zero
  when: not turbosmtp.tracking.open_tracking
'''

RETURN = r'''
tracking:
  description: Whether each kind of tracking is on.
  returned: success
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
settings:
  description:
    - The tool objects as the API returned them, keyed by option name.
  returned: success
  type: dict
  contains:
    click_tracking:
      description: The C(clickTracking) tool.
      type: dict
      returned: success
      contains:
        id:
          description: The tool's name in the API, V(clickTracking).
          type: str
          returned: success
          sample: clickTracking
        forced:
          description: Whether turboSMTP forces the tool's state, so that it cannot be changed.
          type: bool
          returned: success
          sample: false
        requiredSettings:
          description: Settings the tool requires, as the API lists them.
          type: list
          elements: raw
          returned: success
          sample: []
        enabled:
          description: Whether the tool is on. RV(tracking.click_tracking) is this value.
          type: bool
          returned: success
          sample: true
        settings:
          description: The tool's own settings, such as C(clicktracking) and C(clicktracking_plaintext).
          type: list
          elements: dict
          returned: success
          contains:
            key:
              description: The setting's name.
              type: str
              returned: success
              sample: clicktracking
            value:
              description: The setting's value.
              type: raw
              returned: success
              sample: true
      sample:
        id: clickTracking
        forced: false
        requiredSettings: []
        enabled: true
        settings:
          - key: clicktracking
            value: true
    open_tracking:
      description: The C(openingTracking) tool.
      type: dict
      returned: success
      contains:
        id:
          description: The tool's name in the API, V(openingTracking).
          type: str
          returned: success
          sample: openingTracking
        forced:
          description: Whether turboSMTP forces the tool's state, so that it cannot be changed.
          type: bool
          returned: success
          sample: false
        requiredSettings:
          description: Settings the tool requires, as the API lists them.
          type: list
          elements: raw
          returned: success
          sample: []
        enabled:
          description: Whether the tool is on. RV(tracking.open_tracking) is this value.
          type: bool
          returned: success
          sample: false
        settings:
          description: The tool's own settings (the API documents none for this tool; an empty list).
          type: list
          elements: dict
          returned: success
          contains:
            key:
              description: The setting's name.
              type: str
              returned: success
            value:
              description: The setting's value.
              type: raw
              returned: success
      sample:
        id: openingTracking
        forced: false
        requiredSettings: []
        enabled: false
        settings: []
'''

from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import TOOLS


class TrackingInfo(TurboSMTPModule):

    def run(self, parsed):
        settings = dict((option, self.dashboard.tool(tool)) for option, tool in TOOLS.items())
        tracking = dict((option, bool(tool['enabled'])) for option, tool in settings.items())
        return dict(changed=False, tracking=tracking, settings=settings)


def main():
    TrackingInfo.execute()


if __name__ == '__main__':
    main()
