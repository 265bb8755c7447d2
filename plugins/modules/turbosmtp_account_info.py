#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_account_info
short_description: Gather the turboSMTP account's details
version_added: 1.0.0
description:
  - Returns the account of the credentials in use, as C(GET /api/user/info) describes it.
  - Any password field the API includes is removed from the result.
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
  - module: turbosmtp.api.turbosmtp_plans_info
    description: The account's plans, with their sending limits and usage.
  - module: turbosmtp.api.turbosmtp_subaccounts_info
    description: The account's subaccounts.
  - module: turbosmtp.api.turbosmtp_token
    description: Get a token for O(api_token) once for a whole play.
  - name: turbosmtp.api user guide
    description: Authentication, C(module_defaults) and the meaning of the API error codes.
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
'''

EXAMPLES = r'''
- name: Read the account
  turbosmtp.api.turbosmtp_account_info:
    api_token: "{{ turbosmtp_api_token }}"
  delegate_to: localhost
  register: turbosmtp

- name: Stop when the account is inactive
  ansible.builtin.assert:
    that: turbosmtp.account.active
    fail_msg: "turboSMTP account {{ turbosmtp.account.email }} is inactive"
'''

RETURN = r'''
account:
  description:
    - The account, as C(GET /api/user/info) returns it, without any password field (such as C(passwd)).
    - The fields below are those the API documents; any other field the API returns is passed on as it is.
  returned: success
  type: dict
  contains:
    active:
      description: Whether the account is active. The API refuses the requests of an inactive account (error code 2).
      type: bool
      returned: success
      sample: true
    email:
      description: The account email, the login of the dashboard and of O(email).
      type: str
      returned: success
      sample: ops@example.com
    gateway:
      description: The name of the sending gateway the account is on, as the API gives it.
      type: str
      returned: success
      sample: q1
    ip:
      description:
        - The account's IP address as the API gives it, an IPv4 address written as one integer
          (V(3350965831) is C(199.187.174.71)).
      type: int
      returned: success
      sample: 3350965831
    accountid:
      description: The account id, the C(accountID) of each of its plans in RV(turbosmtp.api.turbosmtp_plans_info#module:plans).
      type: int
      returned: success
      sample: 18897904
  sample:
    active: true
    email: ops@example.com
    gateway: q1
    ip: 3350965831
    accountid: 18897904
'''

from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import without_secrets


class AccountInfo(TurboSMTPModule):

    def run(self, parsed):
        return dict(changed=False, account=without_secrets(self.dashboard.user_info()))


def main():
    AccountInfo.execute()


if __name__ == '__main__':
    main()
