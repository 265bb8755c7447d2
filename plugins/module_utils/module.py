# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The thin layer between AnsibleModule and the client: shared options, client
construction from module parameters, and one place that turns errors into fail_json."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils._connection import (
    CONNECTION_OPTIONS,
    SEND_URLS,
    check_connection_options,
    connection_secrets,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._dashboard import DashboardClient
from ansible_collections.turbosmtp.api.plugins.module_utils._send_api import SendClient
from ansible_collections.turbosmtp.api.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import DEFAULT_CONCURRENCY


class TaskFailed(Exception):
    """Raised by run() to fail the task with result fields beside msg.

    For a failure that must still say what it did (``changed: true``, which messages went out),
    ``result`` carries those fields. ``error``, when set, is the TurboSMTPError that stopped the
    work; its status, codes and ``may_have_been_sent`` are returned too.
    """

    def __init__(self, msg, error=None, **result):
        super().__init__(msg)
        self.msg = msg
        self.result = dict(error.result_fields(), **result) if isinstance(error, TurboSMTPError) else result


def _connection_option(name, **spec):
    """The argument spec of a connection option, with its environment variable and default from the client's table."""
    option = CONNECTION_OPTIONS[name]
    if option.env:
        spec['fallback'] = (env_fallback, [option.env])
    if option.default is not None:
        spec['default'] = option.default
    return spec


def dashboard_argument_spec():
    """The options of the dashboard API."""
    return dict(
        api_token=_connection_option('api_token', type='str', no_log=True),
        email=_connection_option('email', type='str'),
        password=_connection_option('password', type='str', no_log=True),
        dashboard_url=_connection_option('dashboard_url', type='str'),
        validate_certs=_connection_option('validate_certs', type='bool'),
        timeout=_connection_option('timeout', type='float'),
        retries=_connection_option('retries', type='int'),
    )


def send_argument_spec():
    """The options only the send host takes."""
    return dict(
        consumer_key=_connection_option('consumer_key', type='str', no_log=True),
        consumer_secret=_connection_option('consumer_secret', type='str', no_log=True),
        region=_connection_option('region', type='str', choices=sorted(SEND_URLS)),
        send_url=_connection_option('send_url', type='str'),
    )


def connection_argument_spec():
    """Every connection option, which every module takes (doc fragment turbosmtp.api.connection).

    One credential block under ``module_defaults: group/turbosmtp.api.turbosmtp`` then serves every
    module of the group; a module ignores the options of the API it does not call.
    """
    return dict(dashboard_argument_spec(), **send_argument_spec())


def concurrency_argument_spec():
    """The concurrency option of the modules that make many requests at once; checked by check_concurrency()."""
    return dict(type='int', default=DEFAULT_CONCURRENCY)


class _AnsibleModule(AnsibleModule):
    """AnsibleModule whose syslog line of the invocation survives a NUL character in an option.

    Python 3.12+ refuses a NUL in a syslog message (ValueError): ansible-core 2.17+ then fails the
    task with "Failed to log to syslog", and 2.16 with a traceback, before the module's own checks
    can name the option that holds it (a header field, say). The NUL is logged as \\x00 instead.
    """

    def _log_to_syslog(self, msg):
        if isinstance(msg, str):
            msg = msg.replace('\x00', '\\x00')
        super()._log_to_syslog(msg)


class TurboSMTPModule:
    """Base of every module: declare options as class attributes and implement run().

    validate() checks the options before any request and returns what it parsed from them
    (raising ValueError naming the offending option); run(parsed) gets that and returns the
    result dict. API failures arrive as TurboSMTPError, and a failure that must still say what
    it did as TaskFailed. Anything else is an answer the module did not understand. Whatever
    happens, the task fails with one clear msg, and a token the module asked for is revoked.
    """

    argument_spec = {}  # type: dict[str, dict]
    mutually_exclusive = []  # type: list[tuple[str, ...]]
    required_together = []  # type: list[tuple[str, ...]]
    required_one_of = []  # type: list[tuple[str, ...]]
    required_if = []  # type: list[tuple]
    required_by = {}  # type: dict[str, str]

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.check_mode = module.check_mode
        self.diff_mode = module._diff
        self._dashboard = None
        self._sender = None
        self._warnings = []

    def warn(self, message):
        """A warning for the task's result, the same in-process and as a module."""
        self._warnings.append(message)

    @property
    def dashboard(self):
        """The dashboard client, created on first use so modules that never call it make no login."""
        if self._dashboard is None:
            self._dashboard = DashboardClient.from_options(self.params, pool_size=self.params.get('concurrency') or 10)
        return self._dashboard

    @property
    def sender(self):
        if self._sender is None:
            self._sender = SendClient.from_options(self.params, pool_size=self.params.get('concurrency') or 10)
        return self._sender

    def validate(self):
        """What run() needs, parsed from the options; raise ValueError naming the offending one."""
        return None

    def run(self, parsed):
        raise NotImplementedError

    def close(self):
        """Release clients; returns the task's warnings: anything that could not be cleaned up, then warn()'s.

        Safe to call more than once, and from a handler of any exception (a task timeout).
        """
        warnings = []
        if self._dashboard is not None:
            try:
                self._dashboard.close()
            except TurboSMTPError as error:
                warnings.append('could not revoke the temporary API token: %s' % error)
            except Exception as error:  # the token must not outlive the module, but neither may a traceback
                warnings.append('could not revoke the temporary API token: %s: %s' % (type(error).__name__, error))
        if self._sender is not None:
            self._sender.close()
        return warnings + self._warnings

    @classmethod
    def argument_spec_with_connection(cls):
        spec = connection_argument_spec()
        spec.update(cls.argument_spec)
        return spec

    @classmethod
    def execute(cls):
        module = _AnsibleModule(argument_spec=cls.argument_spec_with_connection(), supports_check_mode=True,
                                **argument_constraints(cls))
        module.no_log_values.update(connection_secrets(module.params))
        if not HAS_REQUESTS:
            module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        result, warnings = run_instance(cls(module))
        for warning in warnings:
            module.warn(warning)
        if result.pop('failed', False):
            module.fail_json(**result)
        module.exit_json(**result)


def argument_constraints(module_class):
    """The option constraints of a module class, as AnsibleModule and ArgumentSpecValidator take them."""
    return dict(
        mutually_exclusive=module_class.mutually_exclusive,
        required_together=module_class.required_together,
        required_one_of=module_class.required_one_of,
        required_if=module_class.required_if,
        required_by=module_class.required_by,
    )


def run_instance(instance):
    """Validate, run and close one module instance whose options are already parsed.

    The one code path behind both AnsibleModule (execute()) and the in-process action plugins.
    Returns (result, warnings): a failed result has ``failed: True`` and ``msg``; warnings are
    for what could not be cleaned up. Never raises for a module's own failure. On every way out,
    a task timeout (a BaseException) included, the login token the module asked for is revoked.
    """
    # Before anything can fail: a password in a URL is masked in msg and invocation as a no_log value is.
    no_log_values = getattr(instance.module, 'no_log_values', None)
    if no_log_values is not None:
        no_log_values.update(connection_secrets(instance.params))
    try:
        result = _validated_run(instance)
    except BaseException:
        instance.close()
        raise
    return result, instance.close()


def _validated_run(instance):
    try:
        check_connection_options(instance.params)
        parsed = instance.validate()
    except ValueError as error:
        return dict(msg=str(error), failed=True)
    try:
        return instance.run(parsed)
    except TaskFailed as error:
        return dict(error.result, msg=error.msg, failed=True)
    except TurboSMTPError as error:
        return dict(msg=error.message, failed=True, **error.result_fields())
    except Exception as error:
        # A shape no check foresaw: say so plainly, keep the traceback for -vvv.
        return dict(msg='turboSMTP answered in a way this module did not understand (%s: %s)' % (type(error).__name__, error),
                    exception=traceback.format_exc(), failed=True)
