# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    # Every module of the action group takes every connection option, so one module_defaults block serves the whole
    # group. DOCUMENTATION holds the options both APIs use; a module adds the fragment of the API it calls (DASHBOARD or
    # SEND) and the one that documents the options of the other API as ignored (SEND_IGNORED or DASHBOARD_IGNORED).
    DOCUMENTATION = r'''
options:
  email:
    description:
      - The turboSMTP account email. For the dashboard API, together with O(password) and when O(api_token) is not
        set, the module requests a short-lived token itself and revokes it when it ends, also when it fails or its
        task times out. For the send API, it is sent with O(password) when O(consumer_key) and O(consumer_secret) are not set.
      - If not set, the value of the E(TURBOSMTP_EMAIL) environment variable is used.
    type: str
  password:
    description:
      - The turboSMTP account password, used with O(email).
      - If not set, the value of the E(TURBOSMTP_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API. Only disable this for a test endpoint you trust.
      - The certificate authorities are those of C(requests), or the bundle that the environment variable
        E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) names. Proxies come from E(HTTPS_PROXY), E(HTTP_PROXY) and
        E(NO_PROXY). The task's C(environment) counts; the variables are read once, when the task starts.
      - A C(~/.netrc) entry for the API host is ignored; the connection options alone authenticate.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP request, more than 0 and at most 3600.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is repeated after HTTP 429 (honouring C(Retry-After)), 502, 503, 504
        or a connection error, with exponential backoff. Reads and updates are retried; a send is retried
        only when the API certainly did not take it. From 0 to 100.
    type: int
    default: 3
requirements:
  - requests
notes:
  - >-
    The module talks to the API from the host it runs on; run it on the controller with
    C(delegate_to: localhost) when the managed hosts cannot reach turboSMTP.
  - Use C(module_defaults) with the action group C(group/turbosmtp.api.turbosmtp) to set the connection
    options once for a play. Every module of the group takes every connection option, those of the dashboard
    API and those of the send API, and ignores the ones of the API it does not call.
'''

    # The dashboard API; every module but turbosmtp_send calls it.
    DASHBOARD = r'''
options:
  api_token:
    description:
      - The authorization key for the dashboard API, as returned by C(/api/authorize)
        (for example by M(turbosmtp.api.turbosmtp_token)).
      - If not set, the value of the E(TURBOSMTP_API_TOKEN) environment variable is used.
      - When neither this nor O(email) and O(password) are set, the task fails before any request.
    type: str
  dashboard_url:
    description:
      - Base URL of the dashboard API. Point it at the bundled simulator to test playbooks offline.
      - A URL with user information (C(https://user:password@host)) is refused before any request; its password is
        masked in the task's output.
      - If not set, the value of the E(TURBOSMTP_DASHBOARD_URL) environment variable is used,
        and then the default.
    type: str
    default: https://dashboard.serversmtp.com
'''

    # The send host; turbosmtp_send calls it.
    SEND = r'''
options:
  consumer_key:
    description:
      - The consumer key of the send API, sent as the C(consumerKey) header.
      - If not set, the value of the E(TURBOSMTP_CONSUMER_KEY) environment variable is used.
      - Without O(consumer_key) and O(consumer_secret), the account O(email) and O(password) are sent
        as the legacy C(authuser) and C(authpass) fields instead.
    type: str
  consumer_secret:
    description:
      - The consumer secret of the send API, sent as the C(consumerSecret) header.
      - If not set, the value of the E(TURBOSMTP_CONSUMER_SECRET) environment variable is used.
    type: str
  region:
    description:
      - Which send host to use, C(https://api.turbo-smtp.com) (V(global)) or C(https://api.eu.turbo-smtp.com) (V(eu)).
      - If not set, the value of the E(TURBOSMTP_REGION) environment variable is used, and then the default.
    type: str
    choices: [eu, global]
    default: global
  send_url:
    description:
      - Base URL of the send host, overriding O(region). The path C(/api/v2/mail/send) is appended.
      - A URL with user information (C(https://user:password@host)) is refused before any request; its password is
        masked in the task's output.
      - If not set, the value of the E(TURBOSMTP_SEND_URL) environment variable is used.
    type: str
'''

    # For turbosmtp_send: the dashboard options it accepts and ignores.
    DASHBOARD_IGNORED = r'''
options:
  api_token:
    description: &unused
      - Not used by this module, which does not call the dashboard API; accepted (and ignored) so that one
        C(module_defaults) block for C(group/turbosmtp.api.turbosmtp) serves every module of the group.
    type: str
    version_added: 1.1.0
  dashboard_url:
    description: *unused
    type: str
    default: https://dashboard.serversmtp.com
    version_added: 1.1.0
'''

    # For the dashboard modules: the send options they accept and ignore.
    SEND_IGNORED = r'''
options:
  consumer_key:
    description: &unused
      - Not used by this module, which does not call the send API; accepted (and ignored) so that one
        C(module_defaults) block for C(group/turbosmtp.api.turbosmtp) serves every module of the group.
    type: str
    version_added: 1.1.0
  consumer_secret:
    description: *unused
    type: str
    version_added: 1.1.0
  region:
    description: *unused
    type: str
    choices: [eu, global]
    default: global
    version_added: 1.1.0
  send_url:
    description: *unused
    type: str
    version_added: 1.1.0
'''
