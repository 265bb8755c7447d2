"""Writes every task result, as the controller sees it, to the JSON lines file $PARITY_RESULT_LOG."""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'result_log'
    CALLBACK_NEEDS_ENABLED = False

    def _log(self, status, result):
        with open(os.environ['PARITY_RESULT_LOG'], 'a') as log:
            log.write(json.dumps([result._task.get_name(), status, result._result], default=str, sort_keys=True) + '\n')

    def v2_runner_on_ok(self, result):
        self._log('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._log('failed', result)

    def v2_runner_on_skipped(self, result):
        self._log('skipped', result)
