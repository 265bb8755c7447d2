# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The thin layer between AnsibleModule and the client: shared options, client
construction from module parameters, and one place that turns errors into fail_json."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.turbosmtp.api.plugins.module_utils.client import (
    CONNECTION_OPTIONS,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    SEND_URLS,
    DashboardClient,
    SendClient,
    TurboSMTPError,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import DEFAULT_CONCURRENCY


class TaskFailed(Exception):
    """Raised by run() to fail the task with result fields beside msg.

    For a failure after something was already changed: the task must still say
    ``changed: true`` and what it did, so ``result`` carries those fields. ``error``, when
    set, is the TurboSMTPError that stopped the work; its status and codes are returned too.
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


def connection_argument_spec():
    """Options every module takes to reach the dashboard API (doc fragment turbosmtp.api.connection)."""
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
    """Options of the send host (doc fragment turbosmtp.api.connection.SEND)."""
    return dict(
        consumer_key=_connection_option('consumer_key', type='str', no_log=True),
        consumer_secret=_connection_option('consumer_secret', type='str', no_log=True),
        region=_connection_option('region', type='str', choices=sorted(SEND_URLS)),
        send_url=_connection_option('send_url', type='str'),
    )


def concurrency_argument_spec():
    """The concurrency option of the modules that make many requests at once; checked by check_concurrency()."""
    return dict(type='int', default=DEFAULT_CONCURRENCY)


def check_transport_options(params):
    """Reject connection options that cannot work, before any request."""
    if params['timeout'] <= 0:
        raise ValueError('timeout must be a positive number of seconds, got %s' % params['timeout'])
    if params['retries'] < 0:
        raise ValueError('retries must be zero or more, got %s' % params['retries'])


class TurboSMTPModule:
    """Base of every module: declare options as class attributes and implement run().

    run() returns the result dict. Bad input is reported by raising ValueError from
    validate() (before any request); API failures arrive as TurboSMTPError, and a failure
    after a change as TaskFailed with the fields that say what changed. Anything else is
    an answer the module did not understand. Whatever happens, the task fails with one
    clear msg, and a token the module asked for is revoked.
    """

    argument_spec = {}
    mutually_exclusive = []
    required_together = []
    required_one_of = []
    required_if = []
    required_by = {}
    uses_send_api = False

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.check_mode = module.check_mode
        self.diff_mode = module._diff
        self._dashboard = None
        self._sender = None

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
        """Check the options; raise ValueError naming the offending one."""

    def run(self):
        raise NotImplementedError

    def close(self):
        """Release clients; returns warnings for anything that could not be cleaned up."""
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
        return warnings

    @classmethod
    def argument_spec_with_connection(cls):
        spec = connection_argument_spec()
        if cls.uses_send_api:
            spec.update(send_argument_spec())
        spec.update(cls.argument_spec)
        return spec

    @classmethod
    def execute(cls):
        module = AnsibleModule(argument_spec=cls.argument_spec_with_connection(), supports_check_mode=True,
                               **argument_constraints(cls))
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
    for what could not be cleaned up. Never raises for a module's own failure.
    """
    failure = None
    result = None
    try:
        check_transport_options(instance.params)
        instance.validate()
    except ValueError as error:
        failure = dict(msg=str(error))
    if failure is None:
        try:
            result = instance.run()
        except TaskFailed as error:
            failure = dict(error.result, msg=error.msg)
        except TurboSMTPError as error:
            failure = dict(msg=error.message, **error.result_fields())
        except Exception as error:
            # A shape no check foresaw: say so plainly, keep the traceback for -vvv.
            failure = dict(msg='turboSMTP answered in a way this module did not understand (%s: %s)'
                           % (type(error).__name__, error), exception=traceback.format_exc())
    warnings = instance.close()
    if failure is not None:
        return dict(failure, failed=True), warnings
    return result, warnings
