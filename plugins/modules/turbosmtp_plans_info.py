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
  - turbosmtp.api.connection.DASHBOARD
  - turbosmtp.api.connection.SEND_IGNORED
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
  - turbosmtp.api.attributes.INFO_MODULE
seealso:
  - module: turbosmtp.api.turbosmtp_account_info
    description: The account the plans belong to.
  - module: turbosmtp.api.turbosmtp_subaccounts_info
    description: The subaccounts and how much each has sent.
  - name: turbosmtp.api user guide
    description: Authentication, C(module_defaults) and the meaning of the API error codes (such as C(nocredit)).
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
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
  contains:
    id:
      description: The plan id.
      type: int
      returned: success
      sample: 1234
    accountID:
      description: The id of the account the plan belongs to (RV(turbosmtp.api.turbosmtp_account_info#module:account.accountid)).
      type: int
      returned: success
      sample: 18897904
    smtp_limit:
      description: How many messages the plan allows in each RV(plans[].smtp_limit_interval).
      type: int
      returned: success
      sample: 100000
    smtp_limit_interval:
      description: The period RV(plans[].smtp_limit) applies to, such as V(Daily) or V(Monthly).
      type: str
      returned: success
      sample: Monthly
    plan_expiration:
      description: When the plan expires, ISO 8601 in UTC.
      type: str
      returned: success
      sample: "2027-05-03T00:00:00.000Z"
    smtp_count:
      description: How many messages have been counted against RV(plans[].smtp_limit), as the API reports it.
      type: int
      returned: success
      sample: 5120
    last_used:
      description: When the plan was last used to send, ISO 8601 in UTC, or null.
      type: str
      returned: success
      sample: "2026-06-30T18:47:16.000Z"
    parentid:
      description: The id of the plan this one depends on, as the API gives it; null when there is none.
      type: int
      returned: success
      sample: null
    expired:
      description: V(1) when the plan has expired, V(0) otherwise. A number, not a boolean.
      type: int
      returned: success
      sample: 0
    active:
      description: Whether the plan is active. O(active_only=true) keeps only the plans where this is true.
      type: bool
      returned: success
      sample: true
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

    def run(self, parsed):
        plans = self.dashboard.plans()
        if self.params['active_only']:
            plans = [plan for plan in plans if plan.get('active')]
        return dict(changed=False, plans=plans)


def main():
    PlansInfo.execute()


if __name__ == '__main__':
    main()
