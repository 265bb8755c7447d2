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
  - turbosmtp.api.attributes
  - turbosmtp.api.attributes.ACTIONGROUP
  - turbosmtp.api.attributes.INFO_MODULE
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
  description: The account, without any password field.
  returned: success
  type: dict
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

    def run(self):
        return dict(changed=False, account=without_secrets(self.dashboard.user_info()))


def main():
    AccountInfo.execute()


if __name__ == '__main__':
    main()
