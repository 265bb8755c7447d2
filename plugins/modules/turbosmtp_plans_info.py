#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_plans_info
short_description: List the turboSMTP account's plans
version_added: 1.0.0
description:
  - Returns the plans of the account, as C(GET /api/plans) describes them, with their sending
    limits, usage and expiration.
author:
  - turbosmtp.api contributors (@turbosmtp)
options:
  active_only:
    description:
      - Return only the plans whose C(active) field is true.
    type: bool
    default: false
extends_documentation_fragment:
  - turbosmtp.api.connection
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
  - turbosmtp.api.attributes.INFO_MODULE
'''

EXAMPLES = r'''
- name: Read the active plans
  turbosmtp.api.turbosmtp_plans_info:
    api_token: "{{ turbosmtp_api_token }}"
    active_only: true
  delegate_to: localhost
  run_once: true
  register: turbosmtp

- name: Stop when the account has no active plan
  ansible.builtin.assert:
    that: turbosmtp.plans | length > 0
    fail_msg: The turboSMTP account has no active plan
'''

RETURN = r'''
plans:
  description: The plans, in API order.
  returned: success
  type: list
  elements: dict
  sample:
    - id: 1234
      accountID: 18897904
      smtp_limit: 100000
      smtp_limit_interval: Monthly
      plan_expiration: "2027-05-03T00:00:00.000Z"
      smtp_count: 5120
      last_used: "2026-06-30T18:47:16.000Z"
      parentid: null
      expired: 0
      active: true
'''

from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule


class PlansInfo(TurboSMTPModule):

    argument_spec = dict(
        active_only=dict(type='bool', default=False),
    )

    def run(self):
        plans = self.dashboard.plans()
        if self.params['active_only']:
            plans = [plan for plan in plans if plan.get('active')]
        return dict(changed=False, plans=plans)


def main():
    PlansInfo.execute()


if __name__ == '__main__':
    main()
