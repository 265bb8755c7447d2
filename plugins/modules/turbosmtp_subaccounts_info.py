#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_subaccounts_info
short_description: List the turboSMTP account's subaccounts
version_added: 1.0.0
description:
  - Returns the subaccounts of the account with their usage, as C(GET /api/useraccounts/summary) describes them.
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
  - module: turbosmtp.api.turbosmtp_account_info
    description: The parent account.
  - module: turbosmtp.api.turbosmtp_plans_info
    description: The parent account's plans and their sending limits.
  - name: turbosmtp.api user guide
    description: Authentication, C(module_defaults) and the meaning of the API error codes.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
'''

EXAMPLES = r'''
- name: Read the subaccounts
  turbosmtp.api.turbosmtp_subaccounts_info:
    api_token: "{{ turbosmtp_api_token }}"
  delegate_to: localhost
  run_once: true
  register: turbosmtp

- name: List the inactive subaccounts
  ansible.builtin.debug:
    msg: "{{ turbosmtp.subaccounts | rejectattr('active') | map(attribute='email') | list }}"
'''

RETURN = r'''
subaccounts:
  description: The subaccounts, in API order.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The subaccount id.
      type: int
      returned: success
      sample: 503
    email:
      description: The subaccount email.
      type: str
      returned: success
      sample: sub01@example.net
    active:
      description: Whether the subaccount is active.
      type: bool
      returned: success
      sample: true
    ip:
      description: The subaccount's IP address, as a dotted string.
      type: str
      returned: success
      sample: 199.244.12.40
    sent:
      description: How many messages the subaccount has sent, as the API counts them.
      type: int
      returned: success
      sample: 1520
    limit:
      description: The subaccount's sending limit as the API gives it; V(-1) means it has no limit of its own.
      type: int
      returned: success
      sample: -1
    reputation:
      description: The reputation score turboSMTP gives the subaccount, a whole number.
      type: int
      returned: success
      sample: 4
  sample:
    - id: 503
      email: sub01@example.net
      active: true
      ip: 199.244.12.40
      sent: 1520
      limit: -1
      reputation: 4
'''

from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule


class SubaccountsInfo(TurboSMTPModule):

    def run(self, parsed):
        return dict(changed=False, subaccounts=self.dashboard.subaccounts())


def main():
    SubaccountsInfo.execute()


if __name__ == '__main__':
    main()
