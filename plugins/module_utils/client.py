# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's turboSMTP client, as the rest of the collection (and other collections) import it.

Modules, the send action plugin, the notify callback and the event sources all talk to turboSMTP
through these clients, and nothing else in the collection does HTTP. They know nothing about
AnsibleModule: callers turn TurboSMTPError into whatever failure their world uses (fail_json, a
warning, a log line). The parts live in private modules, each named for what it holds:

- ``_answers``: TurboSMTPError, the API's error bodies, shape checks of answers
- ``_transport``: the retry policy and the request loop
- ``_connection``: the connection options, their checks, and the clients' arguments from them
- ``_dashboard``: DashboardClient (the token's life, one method per operation, CSV exports)
- ``_paging``: reading a paged list whole
- ``_send_api``: SendClient
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import (  # noqa: F401
    TurboSMTPError,
    expect_object,
    expect_rows,
    is_error_body,
    parse_error_body,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._connection import (  # noqa: F401
    CONNECTION_OPTIONS,
    DASHBOARD_OPTIONS,
    DEFAULT_DASHBOARD_URL,
    SEND_OPTIONS,
    SEND_URLS,
    connection_settings,
    option_value,
    url_without_credentials_or_error,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._dashboard import (  # noqa: F401
    INVALID_TOKEN,
    REPORT_PAGE_SIZE,
    REPORTS_PATH,
    STATS_LISTING,
    STATS_PAGE_SIZE,
    STATS_PATH,
    TOKEN_NOT_FOUND,
    DashboardClient,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._paging import row_identity  # noqa: F401
from ansible_collections.turbosmtp.api.plugins.module_utils._send_api import SEND_PATH, SendClient  # noqa: F401
from ansible_collections.turbosmtp.api.plugins.module_utils._transport import (  # noqa: F401
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    USER_AGENT,
    RetryPolicy,
)

# What other collections and our own plugins import from here.
__all__ = (
    'CONNECTION_OPTIONS',
    'DASHBOARD_OPTIONS',
    'DEFAULT_DASHBOARD_URL',
    'DashboardClient',
    'HAS_REQUESTS',
    'INVALID_TOKEN',
    'REPORTS_PATH',
    'REPORT_PAGE_SIZE',
    'REQUESTS_IMPORT_ERROR',
    'RetryPolicy',
    'SEND_OPTIONS',
    'SEND_PATH',
    'SEND_URLS',
    'STATS_LISTING',
    'STATS_PAGE_SIZE',
    'STATS_PATH',
    'SendClient',
    'TOKEN_NOT_FOUND',
    'TurboSMTPError',
    'USER_AGENT',
    'connection_settings',
    'expect_object',
    'expect_rows',
    'is_error_body',
    'option_value',
    'parse_error_body',
    'row_identity',
    'url_without_credentials_or_error',
)
