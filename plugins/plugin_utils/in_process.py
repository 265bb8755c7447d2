# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs a turboSMTP module's own code inside the worker process when the task would run it on the
controller's own Python anyway, and as an ordinary module everywhere else.

ansible-core imports an action plugin once in the main process, before forking a worker per task,
so the client, requests and the module class imported here are already loaded in every worker:
running in-process skips AnsiballZ, the new interpreter and those imports. The result is what
AnsibleModule would return: same validation, defaults, env_fallback, no_log masking, invocation,
warnings and failures, because the module's run() goes through the same run_instance().
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys
from contextlib import contextmanager

from ansible import constants as C
from ansible.executor.interpreter_discovery import discover_interpreter
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.json import AnsibleJSONEncoder
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.turbosmtp.api.plugins.module_utils.client import HAS_REQUESTS
from ansible_collections.turbosmtp.api.plugins.module_utils.module import argument_constraints, run_instance

display = Display()

SWITCH_VARIABLE = 'turbosmtp_in_process'
SWITCH_ENVIRONMENT = 'TURBOSMTP_IN_PROCESS'
DISCOVERY_MODES = ('', 'auto', 'auto_legacy', 'auto_silent', 'auto_legacy_silent')
DISCOVERED_KEY = 'discovered_interpreter_python'
LOCAL_CONNECTIONS = ('local', 'ansible.builtin.local', 'ansible.legacy.local')
# How remove_values sees the scalars that JSON writes differently: booleans, null, and floats that are not finite.
PYTHON_LITERALS = ('True', 'False', 'None', 'nan', '-inf', 'inf')


def same_python(interpreter, controller_python=None):
    """Whether an interpreter path is the controller's own Python (same virtualenv, same binary).

    A virtualenv's python is a symlink to the system one, so resolving links alone would call
    them the same: the directory must match too, since it decides which site-packages load.
    """
    controller_python = controller_python or sys.executable
    if not interpreter:
        return False
    interpreter = os.path.abspath(os.path.expanduser(interpreter))
    controller = os.path.abspath(controller_python)
    if interpreter == controller:
        return True
    return (os.path.dirname(interpreter) == os.path.dirname(controller)
            and os.path.realpath(interpreter) == os.path.realpath(controller))


def in_process_refusal(switch_variable, switch_environment, transport, become, async_seconds, interpreter,
                       has_requests, controller_python=None):
    """Why the task must run as an ordinary module, or None when in-process gives the same result.

    ``interpreter`` is the Python the module would run with (None when it is not known without
    interpreter discovery).
    """
    if not boolean(switch_variable, strict=False):
        return 'turned off by the variable %s' % SWITCH_VARIABLE
    if switch_environment is not None and not boolean(switch_environment, strict=False):
        return 'turned off by the environment variable %s' % SWITCH_ENVIRONMENT
    if transport not in LOCAL_CONNECTIONS:
        return 'the connection is %s, not local: the module runs on the managed host' % transport
    if become:
        return 'become is set: the module runs as another user'
    if async_seconds:
        return 'async is set'
    if not same_python(interpreter, controller_python):
        return ('the Python interpreter %s is not the controller\'s own (%s)'
                % (interpreter or '(to be discovered)', controller_python or sys.executable))
    if not has_requests:
        return 'requests is missing on the controller'
    return None


@contextmanager
def task_environment(environment):
    """os.environ with the task's `environment:` for the time of the run, as the module process would see it.

    env_fallback and requests (proxies, CA bundle) read os.environ; the worker is a fork of its own
    for this task, and the previous values are put back all the same.
    """
    saved = dict((name, os.environ.get(name)) for name in environment)
    try:
        for name, value in environment.items():
            os.environ[name] = to_text(value)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class TaskContext:
    """What a TurboSMTPModule reads from AnsibleModule: its parsed options, check mode and diff mode."""

    def __init__(self, params, check_mode, diff):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff  # AnsibleModule's own name for it, which TurboSMTPModule reads


def run_module_in_process(module_class, module_name, args, check_mode, diff):
    """Run a module class on task arguments in this process; returns the result AnsibleModule would return."""
    # The module gets its arguments through JSON: plain str, int and list, vaulted values decrypted.
    args = json.loads(json.dumps(args, cls=AnsibleJSONEncoder))
    validator = ArgumentSpecValidator(module_class.argument_spec_with_connection(), **argument_constraints(module_class))
    validation = validator.validate(args)
    # AnsibleModule keeps the arguments as given (aliases included) and adds every validated option.
    params = dict(args)
    params.update(validation.validated_parameters)
    no_log_values = validation._no_log_values
    warnings = ['Both option {option} and its alias {alias} are set.'.format(**alias) for alias in validation._warnings]
    deprecations = [dict(msg=item['msg'], version=item.get('version'), date=item.get('date'),
                         collection_name=item.get('collection_name')) for item in validation._deprecations]
    if validation.error_messages:
        message = validation.errors.msg
        if isinstance(validation.errors[0], UnsupportedError):
            message = 'Unsupported parameters for (%s) module: %s' % (module_name, message)
        result = dict(failed=True, msg=message)
    else:
        result, close_warnings = run_instance(module_class(TaskContext(params, check_mode, diff)))
        warnings.extend(close_warnings)
        result = dict(result)
    result.setdefault('invocation', dict(module_args=params))
    if warnings:
        result['warnings'] = warnings
    if deprecations:
        result['deprecations'] = deprecations
    # The module's result crosses JSON on the way to the controller: the same round trip gives the same types.
    return json.loads(masked_json(result, no_log_values))


def masked_json(result, no_log_values):
    """The result as JSON text, with no_log values masked as AnsibleModule masks them.

    remove_values copies every value it is given, which is most of the cost of returning
    thousands of rows. It runs only on the top-level values where a no_log value may occur
    (``invocation`` mostly): JSON escapes a text character by character, so a value inside a
    string is also inside that string's JSON. Numbers, booleans and null are masked by their
    Python text ("True", "None"), which JSON does not show: a no_log value that could be part
    of such a text takes the full path everywhere. Top-level booleans and null stay as they
    are, as AnsibleModule keeps them.
    """
    members = []
    for key, value in result.items():
        text = json.dumps(value, ensure_ascii=False)
        if not (value is None or isinstance(value, bool)) and any(_may_occur(secret, text) for secret in no_log_values):
            text = json.dumps(remove_values(value, no_log_values), ensure_ascii=False)
        members.append('%s: %s' % (json.dumps(key, ensure_ascii=False), text))
    return '{%s}' % ', '.join(members)


def _may_occur(value, text):
    value = to_text(value, errors='surrogate_or_strict')
    if any(value in literal for literal in PYTHON_LITERALS):
        return True
    return json.dumps(value, ensure_ascii=False)[1:-1] in text


class TurboSMTPAction(ActionBase):
    """Base of every turboSMTP action plugin: set module_class and module_name (the FQCN)."""

    _supports_check_mode = True
    _supports_async = True

    module_class = None
    module_name = None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        args = self.module_args(result, task_vars)
        if result.get('failed'):
            return result
        refusal = self.in_process_refusal(task_vars)
        if refusal is None:
            display.vvv('%s: running in-process in the controller\'s worker (%s)'
                        % (self.module_name, sys.executable), host=self._host_name())
            result.update(self._run_in_process(args))
            if self._discovered_interpreter_key:
                result.setdefault('ansible_facts', {})[self._discovered_interpreter_key] = self._discovered_interpreter
            discovery_warnings = getattr(self, '_discovery_warnings', None)
            if discovery_warnings:
                result['warnings'] = result.get('warnings', []) + list(discovery_warnings)
            return result
        display.vvv('%s: running as a module: %s' % (self.module_name, refusal), host=self._host_name())
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result.update(self._execute_module(module_name=self.module_name, module_args=args, task_vars=task_vars,
                                           wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def module_args(self, result, task_vars):
        """The module arguments; a subclass may prepare them on the controller, or set failed in result."""
        return dict(self._task.args)

    def _host_name(self):
        return getattr(self._play_context, 'remote_addr', None)

    def in_process_refusal(self, task_vars):
        use_vars = task_vars
        if self._task.delegate_to:
            use_vars = (task_vars.get('ansible_delegated_vars') or {}).get(self._task.delegate_to, task_vars)
        return in_process_refusal(
            switch_variable=self._templar.template(task_vars.get(SWITCH_VARIABLE, True)),
            switch_environment=os.environ.get(SWITCH_ENVIRONMENT),
            transport=self._connection.transport,
            become=self._play_context.become,
            async_seconds=self._task.async_val,
            interpreter=self._module_interpreter(task_vars, use_vars),
            has_requests=HAS_REQUESTS,
        )

    def _module_interpreter(self, task_vars, use_vars):
        """The Python the module would run with, chosen as ansible-core chooses it (discovering it if it must)."""
        if 'ansible_python_interpreter' in use_vars:
            return to_text(self._templar.template(use_vars['ansible_python_interpreter'])).strip()
        configured = to_text(self._templar.template(
            C.config.get_config_value('INTERPRETER_PYTHON', variables=use_vars) or 'auto')).strip()
        if configured not in DISCOVERY_MODES:
            return configured
        facts = use_vars.setdefault('ansible_facts', {})
        if DISCOVERED_KEY not in facts:
            # What _execute_module would do first; the fact goes back to the controller in the result as it would.
            self._discovered_interpreter = discover_interpreter(action=self, interpreter_name='python',
                                                                discovery_mode=configured, task_vars=use_vars)
            facts[DISCOVERED_KEY] = self._discovered_interpreter
            if not self._task.delegate_to or self._task.delegate_facts:
                task_vars.setdefault('ansible_facts', {})[DISCOVERED_KEY] = self._discovered_interpreter
                self._discovered_interpreter_key = DISCOVERED_KEY
        return facts[DISCOVERED_KEY]

    def _run_in_process(self, args):
        environment = {}
        self._compute_environment_string(environment)
        with task_environment(environment):
            return run_module_in_process(self.module_class, self.module_name, args,
                                         check_mode=bool(self._task.check_mode), diff=bool(self._task.diff))
