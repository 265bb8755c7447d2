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
    DEFAULT_DASHBOARD_URL,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    SEND_URLS,
    DashboardClient,
    SendClient,
    TurboSMTPError,
)


class TaskFailed(Exception):
    """Raised by run() to fail the task with result fields beside msg.

    For a failure after something was already changed: the task must still say
    ``changed: true`` and what it did, so ``result`` carries those fields. ``error``, when
    set, is the TurboSMTPError that stopped the work; its status and codes are returned too.
    """

    def __init__(self, msg, error=None, **result):
        super(TaskFailed, self).__init__(msg)
        self.msg = msg
        self.result = dict(error.result_fields(), **result) if isinstance(error, TurboSMTPError) else result


def connection_argument_spec():
    """Options every module takes to reach the dashboard API (doc fragment turbosmtp.api.connection)."""
    return dict(
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['TURBOSMTP_API_TOKEN'])),
        email=dict(type='str', fallback=(env_fallback, ['TURBOSMTP_EMAIL'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['TURBOSMTP_PASSWORD'])),
        dashboard_url=dict(type='str', default=DEFAULT_DASHBOARD_URL, fallback=(env_fallback, ['TURBOSMTP_DASHBOARD_URL'])),
        validate_certs=dict(type='bool', default=True),
        timeout=dict(type='float', default=30),
        retries=dict(type='int', default=3),
    )


def send_argument_spec():
    """Options of the send host (doc fragment turbosmtp.api.connection.SEND)."""
    return dict(
        consumer_key=dict(type='str', no_log=True, fallback=(env_fallback, ['TURBOSMTP_CONSUMER_KEY'])),
        consumer_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['TURBOSMTP_CONSUMER_SECRET'])),
        region=dict(type='str', default='global', choices=sorted(SEND_URLS), fallback=(env_fallback, ['TURBOSMTP_REGION'])),
        send_url=dict(type='str', fallback=(env_fallback, ['TURBOSMTP_SEND_URL'])),
    )


def _transport_options(params):
    return dict(timeout=params['timeout'], retries=params['retries'], validate_certs=params['validate_certs'])


def check_transport_options(params):
    """Reject connection options that cannot work, before any request."""
    if params['timeout'] <= 0:
        raise ValueError('timeout must be a positive number of seconds, got %s' % params['timeout'])
    if params['retries'] < 0:
        raise ValueError('retries must be zero or more, got %s' % params['retries'])


def dashboard_client(params, pool_size=10):
    return DashboardClient(params['dashboard_url'], api_token=params['api_token'], email=params['email'],
                           password=params['password'], pool_size=pool_size, **_transport_options(params))


def send_client(params, pool_size=10):
    return SendClient(params['send_url'], region=params['region'], consumer_key=params['consumer_key'],
                      consumer_secret=params['consumer_secret'], email=params['email'], password=params['password'],
                      pool_size=pool_size, **_transport_options(params))


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
        self._dashboard = None
        self._sender = None

    @property
    def dashboard(self):
        """The dashboard client, created on first use so modules that never call it make no login."""
        if self._dashboard is None:
            self._dashboard = dashboard_client(self.params, pool_size=self.params.get('concurrency') or 10)
        return self._dashboard

    @property
    def sender(self):
        if self._sender is None:
            self._sender = send_client(self.params, pool_size=self.params.get('concurrency') or 10)
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
        module = AnsibleModule(
            argument_spec=cls.argument_spec_with_connection(),
            mutually_exclusive=cls.mutually_exclusive,
            required_together=cls.required_together,
            required_one_of=cls.required_one_of,
            required_if=cls.required_if,
            required_by=cls.required_by,
            supports_check_mode=True,
        )
        if not HAS_REQUESTS:
            module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        instance = cls(module)
        try:
            check_transport_options(instance.params)
            instance.validate()
        except ValueError as error:
            module.fail_json(msg=str(error))
        failure = None
        warnings = []
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
        finally:
            warnings = instance.close()
        for warning in warnings:
            module.warn(warning)
        if failure is not None:
            module.fail_json(**failure)
        module.exit_json(**result)
