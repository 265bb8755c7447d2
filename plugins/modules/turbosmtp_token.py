#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: turbosmtp_token
short_description: Create or revoke a turboSMTP dashboard API token
version_added: 1.0.0
description:
  - With O(state=present), exchanges the account O(email) and O(password) for a dashboard API token
    (C(POST /api/authorize)) and returns it in RV(token), ready for the O(api_token) option of the other modules.
  - With O(state=absent), revokes O(api_token) (C(POST /api/deauthorize)). A token that is already gone
    (expired or revoked) is reported as unchanged.
  - Unlike the other modules, this one never requests a temporary token of its own; it only makes the one
    authorize or deauthorize request.
author:
  - turbosmtp.api contributors (@turbosmtp)
options:
  state:
    description:
      - V(present) creates a new token; every run creates another one, so revoke each when done.
      - V(absent) revokes O(api_token).
    type: str
    choices: [absent, present]
    default: present
  no_expire:
    description:
      - With O(state=present), ask for a token that does not expire after the usual hour.
      - Such a token stays valid until revoked with O(state=absent); keep it in a vault.
    type: bool
    default: false
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
      - With O(state=present), no token is created and RV(token) is not returned.
      - With O(state=absent), the token is checked with a read request and not revoked.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - With O(state=present), every run creates another token and reports a change; it is not idempotent.
        Revoke each token when done, or use O(email) and O(password) on the other modules, which request and revoke
        a token of their own.
      - With O(state=absent), it is idempotent; a token already revoked or expired is reported as unchanged.
seealso:
  - module: turbosmtp.api.turbosmtp_account_info
    description: A read that shows whether a token works.
  - name: turbosmtp.api user guide
    description: How the modules authenticate, the token lifetime and the use of C(module_defaults).
    link: https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst
notes:
  - >-
    The token is a credential and is returned in clear. Put C(no_log: true) on a task with O(state=present),
    or the token shows up in the task output and in logs.
  - O(email) and O(password) are required with O(state=present), O(api_token) with O(state=absent)
    (or their environment variables).
'''

EXAMPLES = r'''
- name: Get a token for the rest of the play
  turbosmtp.api.turbosmtp_token:
    email: "{{ turbosmtp_email }}"
    password: "{{ turbosmtp_password }}"
  delegate_to: localhost
  run_once: true
  no_log: true
  register: turbosmtp_login

- name: Use the token
  turbosmtp.api.turbosmtp_tracking:
    api_token: "{{ turbosmtp_login.token }}"
    click_tracking: true
  delegate_to: localhost
  run_once: true

- name: Revoke the token when done
  turbosmtp.api.turbosmtp_token:
    api_token: "{{ turbosmtp_login.token }}"
    state: absent
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
token:
  description:
    - The new token, for the O(api_token) option of the other modules.
    - "A secret: put C(no_log: true) on the task that registers it."
  returned: when O(state=present), not in check mode
  type: str
  sample: 4c8a1f0e9b7d4a3c8e2f6b1d0a9c7e5f
'''

from ansible_collections.turbosmtp.api.plugins.module_utils.client import INVALID_TOKEN, TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule


class Token(TurboSMTPModule):

    argument_spec = dict(
        state=dict(type='str', default='present', choices=['absent', 'present']),
        no_expire=dict(type='bool', default=False),
    )
    required_if = [
        ('state', 'present', ('email', 'password')),
        ('state', 'absent', ('api_token',)),
    ]

    def run(self, parsed):
        if self.params['state'] == 'present':
            return self.create()
        return self.revoke()

    def create(self):
        if self.check_mode:
            return dict(changed=True)
        token = self.dashboard.authorize(self.params['email'], self.params['password'], no_expire=self.params['no_expire'])
        return dict(changed=True, token=token)

    def revoke(self):
        if self.check_mode:
            return dict(changed=self.token_is_live())
        return dict(changed=self.dashboard.deauthorize(self.params['api_token']))

    def token_is_live(self):
        """A read with the token tells whether revoking it would change anything."""
        try:
            self.dashboard.user_info()
        except TurboSMTPError as error:
            if error.error_code == INVALID_TOKEN:
                return False
            raise
        return True


def main():
    Token.execute()


if __name__ == '__main__':
    main()
