# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs a turboSMTP module's own code inside the worker process when the task would run it on the
controller's own Python anyway, and as an ordinary module everywhere else.

ansible-core imports an action plugin once in the main process, before forking a worker per task,
so the client, requests and the module classes imported here are already loaded in every worker:
running in-process skips AnsiballZ, the new interpreter and those imports. The result is what
AnsibleModule would return: same validation, defaults, env_fallback, no_log masking, invocation,
warnings and failures, because the module's run() goes through the same run_instance(), in the
directory, environment and warning store a module process would have.

In-process execution leans on parts of ansible-core that are not public API. They are checked
once (core_feature_problem()); when one is missing or behaves differently, every task runs as an
ordinary module and -vvv says why: a new ansible-core may make tasks slower, never wrong.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import inspect
import json
import os
import sys
import warnings
from contextlib import contextmanager

from ansible import constants as C
from ansible.executor import interpreter_discovery
from ansible.module_utils import basic
from ansible.module_utils.common import arg_spec, parameters
from ansible.module_utils.common import warnings as warning_store
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.json import AnsibleJSONEncoder
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import module_loader
from ansible.utils.display import Display

from ansible_collections.turbosmtp.api.plugins.module_utils._connection import (
    URL_OPTIONS,
    connection_secrets,
    url_without_credentials_or_error,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.client import HAS_REQUESTS
from ansible_collections.turbosmtp.api.plugins.module_utils.module import TurboSMTPModule, argument_constraints, run_instance

display = Display()

COLLECTION = 'turbosmtp.api'
MODULES_PACKAGE = 'ansible_collections.turbosmtp.api.plugins.modules'
SWITCH_VARIABLE = 'turbosmtp_in_process'
SWITCH_ENVIRONMENT = 'TURBOSMTP_IN_PROCESS'
DISCOVERY_MODES = ('', 'auto', 'auto_legacy', 'auto_silent', 'auto_legacy_silent')
DISCOVERED_KEY = 'discovered_interpreter_python'
LOCAL_CONNECTIONS = ('local', 'ansible.builtin.local', 'ansible.legacy.local')
# Read by Python or the dynamic loader when an interpreter starts: a running one cannot honour them.
INTERPRETER_START_PREFIXES = ('PYTHON', 'LD_', 'DYLD_')
# How remove_values sees the scalars that JSON writes differently: booleans, null, and floats that are not finite.
PYTHON_LITERALS = ('True', 'False', 'None', 'nan', '-inf', 'inf')
# AnsibleModule's wording for an unknown option and for an option set together with its alias.
UNSUPPORTED_FORMAT = 'Unsupported parameters for ({name}) {kind}: {msg}'
ALIAS_WARNING_FORMAT = 'Both option {option} and its alias {alias} are set.'
# ansible-core 2.21's setting for `invocation` in module results (off by default); earlier releases always add it.
INJECT_INVOCATION_SETTING = 'INJECT_INVOCATION'


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


def interpreter_start_variables(environment):
    """The task's environment variables that only a new interpreter honours and that differ from this one's."""
    return sorted(name for name, value in environment.items()
                  if name.startswith(INTERPRETER_START_PREFIXES) and os.environ.get(name) != to_text(value))


def in_process_refusal(switch_variable, switch_environment, transport, become, async_seconds, interpreter,
                       has_requests, controller_python=None, environment=None, working_directory=None):
    """Why the task must run as an ordinary module, or None when in-process gives the same result.

    ``interpreter`` is the Python the module would run with (None when it is not known without
    interpreter discovery); ``switch_environment`` the value of TURBOSMTP_IN_PROCESS the module
    would see (the task's environment first); ``environment`` the task's environment;
    ``working_directory`` the directory the module would run in.
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
    start_variables = interpreter_start_variables(environment or {})
    if start_variables:
        return ('the task\'s environment sets %s, which only a new Python interpreter honours'
                % ', '.join(start_variables))
    if working_directory is not None and not (os.path.isdir(working_directory) and os.access(working_directory, os.X_OK)):
        return 'the module would run in %s, which this process cannot enter' % working_directory
    return None


def _probe_validation():
    """Validate a tiny spec; says what differs from what run_module_in_process expects of the validator."""
    spec = dict(secret=dict(type='str', no_log=True, aliases=['secret_alias']),
                old=dict(type='str', aliases=['older'],
                         deprecated_aliases=[dict(name='older', version='9.0.0', collection_name=COLLECTION)]),
                items=dict(type='list', elements='dict', options=dict(sender=dict(type='str', aliases=['from']))))
    with sub_option_warnings() as found_warnings:
        validation = ArgumentSpecValidator(spec).validate(
            dict(secret='s', secret_alias='s', older='o', items=[{'sender': 'a', 'from': 'a'}]))
    if getattr(validation, '_no_log_values', None) != {'s'}:
        return 'ValidationResult._no_log_values does not hold the no_log values'
    if getattr(validation, '_warnings', None) != [{'option': 'secret', 'alias': 'secret_alias'}]:
        return 'ValidationResult._warnings does not list the options set together with an alias'
    deprecations = getattr(validation, '_deprecations', None)
    if not (isinstance(deprecations, list) and len(deprecations) == 1 and 'older' in deprecations[0].get('msg', '')
            and deprecations[0].get('version') == '9.0.0'):
        return 'ValidationResult._deprecations does not list the deprecated aliases'
    if found_warnings != ['Both option items[0].sender and its alias items[0].from are set.']:
        return 'sub-option alias warnings do not go through ansible.module_utils.common.parameters.warn'
    return None


def _probe_texts():
    """The texts AnsibleModule words its own messages with, which run_module_in_process repeats."""
    for module, text in ((basic, '"%s"' % UNSUPPORTED_FORMAT), (arg_spec, "'%s'" % ALIAS_WARNING_FORMAT)):
        if module.__file__ is None:
            return 'the source of %s cannot be read (it has no file)' % module.__name__
        try:
            with open(module.__file__, encoding='utf-8') as source:
                found = text in source.read()
        except (OSError, TypeError, ValueError) as error:
            return 'the source of %s cannot be read (%s)' % (module.__name__, error)
        if not found:
            return '%s words its message differently from %s' % (module.__name__, text)
    return None


def _probe_action_base():
    try:
        environment_parameters = inspect.signature(ActionBase._compute_environment_string).parameters
    except (AttributeError, TypeError, ValueError):
        return 'ActionBase._compute_environment_string is missing'
    if 'raw_environment_out' not in environment_parameters:
        return 'ActionBase._compute_environment_string takes no raw_environment_out'
    try:
        discovery_parameters = inspect.signature(interpreter_discovery.discover_interpreter).parameters
    except (AttributeError, TypeError, ValueError):
        return 'interpreter_discovery.discover_interpreter is missing'
    if not {'action', 'interpreter_name', 'discovery_mode', 'task_vars'} <= set(discovery_parameters):
        return 'interpreter_discovery.discover_interpreter takes other arguments'
    return None


def _probe_warning_store():
    if not callable(getattr(parameters, 'warn', None)):
        return 'ansible.module_utils.common.parameters.warn is missing'
    if not isinstance(getattr(warning_store, '_global_warnings', None), (list, dict)):
        return 'ansible.module_utils.common.warnings._global_warnings is missing'
    return None


CORE_FEATURE_PROBES = (_probe_warning_store, _probe_action_base, _probe_texts, _probe_validation)
_core_feature_problem = []  # type: list[str | None]


def core_feature_problem(refresh=False):
    """What in-process execution needs from ansible-core and does not find, or None; checked once per process."""
    if refresh or not _core_feature_problem:
        problem = None
        for probe in CORE_FEATURE_PROBES:
            try:
                problem = probe()
            except Exception as error:  # a probe that breaks is a core that behaves differently
                problem = '%s failed: %s: %s' % (probe.__name__.lstrip('_'), type(error).__name__, error)
            if problem:
                break
        _core_feature_problem[:] = [problem]
    return _core_feature_problem[0]


@contextmanager
def sub_option_warnings():
    """Collects the warnings that validation sends through the global warn(), as AnsibleModule returns them.

    ansible-core words the alias warnings of sub-options (messages[0].from and
    messages[0].sender) there, not in the ValidationResult. Outside a module, 2.16 keeps them
    in a store nobody reads and 2.17+ prints them on the controller: neither is in the result.
    """
    collected = []  # type: list[str]
    original = parameters.warn
    # Validation calls warn() with the message only; newer ansible-core declares keyword-only arguments besides.
    parameters.warn = collected.append  # type: ignore[assignment]  # a stand-in for ansible-core's warn(), for this block
    try:
        yield collected
    finally:
        parameters.warn = original


def unique_warnings(messages):
    """Warnings as AnsibleModule returns them: ansible-core 2.17+ keeps each text once (its store is a dict), 2.16 all."""
    if isinstance(warning_store._global_warnings, dict):
        return list(dict.fromkeys(messages))
    return list(messages)


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


@contextmanager
def working_directory(path):
    """The process's working directory set to path for the time of the run, as ansible-core sets a local module's."""
    if path is None:
        yield
        return
    try:
        previous = os.getcwd()
    except OSError:  # the directory we were in is gone: there is nothing to go back to
        previous = None
    os.chdir(path)
    try:
        yield
    finally:
        if previous is not None:
            os.chdir(previous)


@contextmanager
def python_warnings_captured():
    """Python warnings (urllib3's InsecureRequestWarning, say) kept off the worker's stderr, where a module process prints nothing."""
    with warnings.catch_warnings(record=True):
        yield


class TaskContext:
    """What a TurboSMTPModule reads from AnsibleModule: its parsed options, check mode, diff mode and no_log values."""

    def __init__(self, params, check_mode, diff, no_log_values):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff  # AnsibleModule's own name for it, which TurboSMTPModule reads
        # The same set the result is masked with: a value the module adds while it runs is masked too.
        self.no_log_values = no_log_values


def invocation_wanted(task_vars):
    """Whether AnsibleModule would return `invocation`: always before ansible-core 2.21, then only with INJECT_INVOCATION on.

    Read as ActionBase reads it for _ansible_inject_invocation: from the task's variables, untemplated.
    """
    if not C.config.get_configuration_definition(INJECT_INVOCATION_SETTING):
        return True
    return boolean(C.config.get_config_value(INJECT_INVOCATION_SETTING, variables=task_vars), strict=False)


def run_module_in_process(module_class, module_name, args, check_mode, diff, inject_invocation=True):
    """Run a module class on task arguments in this process; returns the result AnsibleModule would return.

    ``inject_invocation`` is what invocation_wanted() says for the task.
    """
    # The module gets its arguments through JSON: plain str, int and list, vaulted values decrypted.
    args = json.loads(json.dumps(args, cls=AnsibleJSONEncoder))  # type: ignore[arg-type]  # a JSONEncoder, from a module __getattr__ typed object
    with sub_option_warnings() as result_warnings:
        validator = ArgumentSpecValidator(module_class.argument_spec_with_connection(), **argument_constraints(module_class))
        validation = validator.validate(args)
    # AnsibleModule keeps the arguments as given (aliases included) and adds every validated option.
    params = dict(args)
    params.update(validation.validated_parameters)
    no_log_values = set(validation._no_log_values)
    # As TurboSMTPModule.execute() does; here also when validation failed, since invocation shows the URLs then too.
    no_log_values.update(connection_secrets(params))
    # In AnsibleModule's order: sub-option alias warnings during validation, then the top-level ones.
    result_warnings.extend(ALIAS_WARNING_FORMAT.format(**alias) for alias in validation._warnings)
    deprecations = [dict(msg=item['msg'], version=item.get('version'), date=item.get('date'),
                         collection_name=item.get('collection_name')) for item in validation._deprecations]
    with python_warnings_captured():
        if validation.error_messages:
            message = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                message = UNSUPPORTED_FORMAT.format(name=module_name, kind='module', msg=message)
            result = dict(failed=True, msg=message)
        else:
            result, close_warnings = run_instance(module_class(TaskContext(params, check_mode, diff, no_log_values)))
            result = dict(result)
            result_warnings.extend(close_warnings)
    if inject_invocation:
        result.setdefault('invocation', dict(module_args=params))
    else:
        result.pop('invocation', None)
    if result_warnings:
        result['warnings'] = unique_warnings(result_warnings)
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
    are, as AnsibleModule keeps them. test_in_process.py checks it against remove_values over
    the whole result with random secrets and results (hypothesis). Measured on 10,000 stats rows:
    74 ms, against 770 ms for remove_values over the whole result.
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


def module_class_for(action_name):
    """The TurboSMTPModule class that implements a module of this collection, from the task's resolved action name."""
    collection, _dot, name = to_text(action_name).rpartition('.')
    if collection != COLLECTION or not name.isidentifier():
        raise ImportError('%s is not a module of %s' % (action_name, COLLECTION))
    module = importlib.import_module('%s.%s' % (MODULES_PACKAGE, name))
    classes = [value for value in vars(module).values()
               if isinstance(value, type) and issubclass(value, TurboSMTPModule) and value.__module__ == module.__name__]
    if len(classes) != 1:
        raise ImportError('%s defines %d TurboSMTPModule classes, not one' % (module.__name__, len(classes)))
    return classes[0]


def url_credentials_refusal(args):
    """A failure when a URL option holds user information; {} otherwise.

    Refused here, before either path: as a module, the arguments would reach the managed host's
    syslog and, when AnsibleModule's own validation fails, the invocation, before the module could
    mark the password as a secret.
    """
    for name in URL_OPTIONS:
        try:
            url_without_credentials_or_error(args.get(name), name)
        except ValueError as error:
            return dict(failed=True, msg=to_text(error))
    return {}


class TurboSMTPAction(ActionBase):
    """The action plugin of every turboSMTP module: in-process when it gives the module's result, as a module otherwise.

    The module is the task's own (its resolved action name), so one plugin serves them all.
    """

    _supports_check_mode = True
    _supports_async = True
    _resolved_module_name = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The strategy loads an action plugin's class in the main process before it forks a worker per task: the
        # module that plugins/action/<module>.py serves, imported now, is not imported again by every task (up to 9 ms).
        try:
            module_class_for('%s.%s' % (COLLECTION, cls.__module__.rpartition('.')[2]))
        except ImportError:
            pass  # found again, or refused with a reason, when a task runs

    @property
    def module_name(self):
        """The module's FQCN, resolved from the task's action as _execute_module resolves it (short names, redirects).

        Not the task's resolved_action: with meta/runtime.yml routing the action to this plugin,
        that names the plugin.
        """
        if self._resolved_module_name is None:
            context = module_loader.find_plugin_with_context(self._task.action, collection_list=self._task.collections)
            self._resolved_module_name = to_text(context.resolved_fqcn if context.resolved else self._task.action)
        return self._resolved_module_name

    @property
    def module_class(self):
        return module_class_for(self.module_name)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        args = self.module_args(result, task_vars)
        if not result.get('failed'):
            result.update(url_credentials_refusal(args))
        if result.get('failed'):
            return result
        environment = self.task_environment()
        refusal = self.in_process_refusal(task_vars, environment)
        if refusal is None:
            display.vvv('%s: running in-process in the controller\'s worker (%s)'
                        % (self.module_name, sys.executable), host=self._host_name())
            result.update(self._run_in_process(args, environment, task_vars))
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

    def task_environment(self):
        """The task's `environment:`, templated, as the module process would get it."""
        environment = {}  # type: dict[str, str]
        self._compute_environment_string(environment)
        return environment

    def _host_name(self):
        return getattr(self._play_context, 'remote_addr', None)

    def _module_class_problem(self):
        try:
            module_class = self.module_class
        except ImportError as error:
            return 'its code cannot be loaded here (%s)' % to_text(error)
        return None if module_class else 'no module class is known for it'

    def in_process_refusal(self, task_vars, environment=None):
        """Why this task must run as a module, or None."""
        problem = core_feature_problem()
        if problem:
            return 'in-process execution needs what this ansible-core does not offer: %s' % problem
        problem = self._module_class_problem()
        if problem:
            return problem
        if environment is None:
            environment = self.task_environment()
        problem = self._discovery_state_problem()
        if problem:
            return 'in-process execution needs what this ansible-core does not offer: %s' % problem
        use_vars = task_vars
        if self._task.delegate_to:
            use_vars = (task_vars.get('ansible_delegated_vars') or {}).get(self._task.delegate_to, task_vars)
        return in_process_refusal(
            switch_variable=self._templar.template(task_vars.get(SWITCH_VARIABLE, True)),
            switch_environment=environment.get(SWITCH_ENVIRONMENT, os.environ.get(SWITCH_ENVIRONMENT)),
            transport=self._connection.transport,
            become=self._play_context.become,
            async_seconds=self._task.async_val,
            interpreter=self._module_interpreter(task_vars, use_vars),
            has_requests=HAS_REQUESTS,
            environment=environment,
            working_directory=self._module_working_directory(),
        )

    def _discovery_state_problem(self):
        """Whether this action holds interpreter discovery's results where run() hands them back as _execute_module does."""
        for name in ('_discovered_interpreter_key', '_discovered_interpreter'):
            if not hasattr(self, name):
                return 'ActionBase.%s is missing' % name
        # Only ansible-core 2.16 has it; later releases show discovery warnings themselves.
        if not isinstance(getattr(self, '_discovery_warnings', []), list):
            return 'ActionBase._discovery_warnings is not a list'
        return None

    def _module_working_directory(self):
        """Where ansible-core runs a module on a local connection: the loader's base directory (_low_level_execute_command)."""
        return to_text(self._loader.get_basedir())

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
            self._discovered_interpreter = interpreter_discovery.discover_interpreter(
                action=self, interpreter_name='python', discovery_mode=configured, task_vars=use_vars)
            facts[DISCOVERED_KEY] = self._discovered_interpreter
            if not self._task.delegate_to or self._task.delegate_facts:
                task_vars.setdefault('ansible_facts', {})[DISCOVERED_KEY] = self._discovered_interpreter
                self._discovered_interpreter_key = DISCOVERED_KEY
        return facts[DISCOVERED_KEY]

    def _run_in_process(self, args, environment, task_vars):
        # Relative paths (csv_dest, remote_src attachments) resolve where the module process would resolve them.
        with task_environment(environment), working_directory(self._module_working_directory()):
            return run_module_in_process(self.module_class, self.module_name, args,
                                         check_mode=bool(self._task.check_mode), diff=bool(self._task.diff),
                                         inject_invocation=invocation_wanted(task_vars))


# Checked in the main process, where the action plugin is imported before the workers fork.
core_feature_problem()
