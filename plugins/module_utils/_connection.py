# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options: their table (environment variable, default), the checks that refuse a
value before any request, and the client constructor arguments they give."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os
from collections import namedtuple
from urllib.parse import unquote, urlsplit

from ansible_collections.turbosmtp.api.plugins.module_utils._transport import header_value_problem

DEFAULT_DASHBOARD_URL = 'https://dashboard.serversmtp.com'
SEND_URLS = {
    'global': 'https://api.turbo-smtp.com',
    'eu': 'https://api.eu.turbo-smtp.com',
}

ConnectionOption = namedtuple('ConnectionOption', 'env default')
# Every connection option: the TURBOSMTP_* environment variable it falls back to, and its default. The
# modules' argument specs, the events source and the clients' from_options() all read this one table.
CONNECTION_OPTIONS = {
    'api_token': ConnectionOption('TURBOSMTP_API_TOKEN', None),
    'email': ConnectionOption('TURBOSMTP_EMAIL', None),
    'password': ConnectionOption('TURBOSMTP_PASSWORD', None),
    'dashboard_url': ConnectionOption('TURBOSMTP_DASHBOARD_URL', DEFAULT_DASHBOARD_URL),
    'consumer_key': ConnectionOption('TURBOSMTP_CONSUMER_KEY', None),
    'consumer_secret': ConnectionOption('TURBOSMTP_CONSUMER_SECRET', None),
    'region': ConnectionOption('TURBOSMTP_REGION', 'global'),
    'send_url': ConnectionOption('TURBOSMTP_SEND_URL', None),
    'validate_certs': ConnectionOption(None, True),
    'timeout': ConnectionOption(None, 30),
    'retries': ConnectionOption(None, 3),
}
DASHBOARD_OPTIONS = ('api_token', 'email', 'password', 'dashboard_url', 'validate_certs', 'timeout', 'retries')
SEND_OPTIONS = ('consumer_key', 'consumer_secret', 'email', 'password', 'region', 'send_url', 'validate_certs',
                'timeout', 'retries')
# Credentials that travel as HTTP headers, so each must be a value a header can hold.
HEADER_OPTIONS = ('api_token', 'consumer_key', 'consumer_secret')
URL_OPTIONS = ('dashboard_url', 'send_url')
# An hour per request is already far beyond any answer of the API; socket timeouts overflow not far above.
MAX_TIMEOUT = 3600
MAX_RETRIES = 100


def option_value(options, name):
    """options[name], or the default of that connection option when it is not set."""
    value = options.get(name)
    return CONNECTION_OPTIONS[name].default if value is None else value


def connection_settings(given, names, environ=None):
    """The options ``names`` as given, else from their TURBOSMTP_* variable, else their default.

    For callers without Ansible's option handling (the events source); an empty value counts as unset.
    """
    environ = os.environ if environ is None else environ
    settings = {}
    for name in names:
        value = given.get(name)
        variable = CONNECTION_OPTIONS[name].env
        if value in (None, '') and variable:
            value = environ.get(variable) or None
        settings[name] = option_value({name: value}, name)
    return settings


def transport_arguments(options):
    """The keyword arguments of both clients that come from the timeout, retries and validate_certs options."""
    return dict((name, option_value(options, name)) for name in ('timeout', 'retries', 'validate_certs'))


def dashboard_client_arguments(options, pool_size=10):
    """DashboardClient's keyword arguments from connection options; unset ones take their default."""
    return dict(transport_arguments(options), base_url=option_value(options, 'dashboard_url'), api_token=options.get('api_token'),
                email=options.get('email'), password=options.get('password'), pool_size=pool_size)


def send_client_arguments(options, pool_size=10):
    """SendClient's keyword arguments from connection options; unset ones take their default."""
    return dict(transport_arguments(options), send_url=options.get('send_url'), region=option_value(options, 'region'),
                consumer_key=options.get('consumer_key'), consumer_secret=options.get('consumer_secret'),
                email=options.get('email'), password=options.get('password'), pool_size=pool_size)


# Checks: each raises ValueError naming the option, and never repeats a secret.


def url_user_info(url):
    """The secrets written into a URL's user information (``http://user:secret@host``), as written and decoded; () when none."""
    try:
        parts = urlsplit(url)
        if '@' not in parts.netloc:
            return ()
        written = parts.netloc.rpartition('@')[0]
    except (TypeError, ValueError, AttributeError):
        return ()
    # A user name alone may well be a token; beside a password it is only a name, and masking it would garble output.
    dummy, dummy, password = written.partition(':')
    secret = password or written
    return tuple(value for value in dict.fromkeys((written, secret, unquote(secret))) if value)


def url_without_credentials_or_error(url, option_name):
    """``url`` when it holds no user information; else ValueError naming the option, without the URL."""
    if url_user_info(url) or (isinstance(url, str) and '@' in url.partition('//')[2].partition('/')[0]):
        raise ValueError('%s must not hold user information (user:password@host): credentials go in their own '
                         'options, never in a URL; the URL is not shown because it holds them' % option_name)
    return url


def check_number(option, value, minimum=None, maximum=None, above=None):
    """A finite number within [minimum, maximum] (or above ``above``); else ValueError naming the option."""
    if value is None:
        return value
    wrong = isinstance(value, bool) or not isinstance(value, (int, float))
    if not wrong and isinstance(value, float):
        wrong = not math.isfinite(value)
    if not wrong:
        wrong = ((minimum is not None and value < minimum) or (maximum is not None and value > maximum)
                 or (above is not None and value <= above))
    if wrong:
        bounds = 'greater than %s' % above if above is not None else 'at least %s' % minimum
        if maximum is not None:
            bounds += ' and at most %s' % maximum
        raise ValueError('%s must be a finite number %s, got %s' % (option, bounds, value))
    return value


def check_connection_options(options):
    """Refuse connection options that cannot work (numbers, URLs, header values), before any request."""
    check_number('timeout', option_value(options, 'timeout'), above=0, maximum=MAX_TIMEOUT)
    check_number('retries', option_value(options, 'retries'), minimum=0, maximum=MAX_RETRIES)
    for name in URL_OPTIONS:
        if options.get(name):
            url_without_credentials_or_error(options[name], name)
    for name in HEADER_OPTIONS:
        problem = header_value_problem(name, options.get(name))
        if problem:
            raise ValueError(problem)


def connection_secrets(options):
    """Secrets written where no no_log covers them (user information in a URL), to mask everywhere."""
    return set(secret for name in URL_OPTIONS if isinstance(options.get(name), str) for secret in url_user_info(options[name]))
