# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:

    # The dashboard API connection; every module takes these options.
    DOCUMENTATION = r'''
options:
  api_token:
    description:
      - The authorization key for the dashboard API, as returned by C(/api/authorize)
        (for example by M(turbosmtp.api.turbosmtp_token)).
      - If not set, the value of the E(TURBOSMTP_API_TOKEN) environment variable is used.
      - When neither this nor O(email) and O(password) are set, the task fails before any request.
    type: str
  email:
    description:
      - The turboSMTP account email. Together with O(password), and when O(api_token) is not set,
        the module requests a short-lived token itself and revokes it when it ends, also when it fails.
      - If not set, the value of the E(TURBOSMTP_EMAIL) environment variable is used.
    type: str
  password:
    description:
      - The turboSMTP account password, used with O(email).
      - If not set, the value of the E(TURBOSMTP_PASSWORD) environment variable is used.
    type: str
  dashboard_url:
    description:
      - Base URL of the dashboard API. Point it at the bundled simulator to test playbooks offline.
      - If not set, the value of the E(TURBOSMTP_DASHBOARD_URL) environment variable is used,
        and then the default.
    type: str
    default: https://dashboard.serversmtp.com
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
      - Seconds to wait for each HTTP request.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is repeated after HTTP 429 (honouring C(Retry-After)), 502, 503, 504
        or a connection error, with exponential backoff. Reads and updates are retried; a send is retried
        only when the API certainly did not take it.
    type: int
    default: 3
requirements:
  - requests
notes:
  - >-
    The module talks to the API from the host it runs on; run it on the controller with
    C(delegate_to: localhost) when the managed hosts cannot reach turboSMTP.
  - Use C(module_defaults) with the action group C(group/turbosmtp.api.turbosmtp) to set the connection
    options once for a play.
'''

    # The send host; modules and roles that send mail take these as well.
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
      - If not set, the value of the E(TURBOSMTP_SEND_URL) environment variable is used.
    type: str
'''
