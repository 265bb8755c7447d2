"""The modules' documentation keys (issue 14): what they return is described field by field, whether a rerun
changes anything, where to look next, and that the doc fragments resolve. Static checks of DOCUMENTATION and RETURN
(yaml) and of what ``ansible-doc --json`` makes of them with the fragments merged in; run by `nox -s docs-keys`.
tests/unit/test_documentation.py runs the modules and compares what they return with RETURN.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
MODULES = sorted(path.stem for path in (REPO / 'plugins' / 'modules').glob('turbosmtp_*.py'))
INFO_MODULES = [name for name in MODULES if name.endswith('_info')]
SUPPORT_LEVELS = ('full', 'partial', 'none', 'N/A')
# Modules whose every run with the same options leaves the account as the first run did.
IDEMPOTENT = INFO_MODULES + ['turbosmtp_report_cleanup', 'turbosmtp_tracking']
GUIDES = ('https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/guide.rst',
          'https://github.com/turbosmtp/ansible-collection-api/blob/main/docs/docsite/rst/event_driven_ansible.rst')


def own_docs(name):
    """The module's own DOCUMENTATION and RETURN, as yaml, without fragments."""
    tree = ast.parse((REPO / 'plugins' / 'modules' / (name + '.py')).read_text())
    strings = dict((node.targets[0].id, ast.literal_eval(node.value)) for node in tree.body
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) in ('DOCUMENTATION', 'RETURN'))
    return yaml.safe_load(strings['DOCUMENTATION']), yaml.safe_load(strings['RETURN']) or {}


def complex_entries(entries, path=''):
    """(path, entry) of every RETURN entry, at any depth, that is a dict or a list of dicts."""
    for key, entry in (entries or {}).items():
        here = '%s%s' % (path, key)
        if entry.get('type') in ('dict', 'complex') or (entry.get('type') == 'list' and entry.get('elements') == 'dict'):
            yield here, entry
        yield from complex_entries(entry.get('contains'), here + '.')


def ansible_doc(plugin_type, names):
    """ansible-doc --json of these plugins, run as a user would, with this checkout as turbosmtp.api."""
    env = dict(os.environ)
    if not env.get('ANSIBLE_COLLECTIONS_PATH'):
        pytest.fail('ANSIBLE_COLLECTIONS_PATH is not set: run `nox -s docs-keys`, or pytest after `source scripts/env.sh`')
    executable = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')
    if not os.path.exists(executable):
        executable = 'ansible-doc'
    done = subprocess.run([executable, '--json', '-t', plugin_type] + ['turbosmtp.api.%s' % name for name in names],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert 'WARNING' not in done.stderr and 'ERROR' not in done.stderr, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope='module')
def module_docs():
    return ansible_doc('module', MODULES)


def test_every_module_is_covered():
    runtime = yaml.safe_load((REPO / 'meta' / 'runtime.yml').read_text())
    assert sorted(runtime['action_groups']['turbosmtp']) == MODULES
    assert len(MODULES) == 10


@pytest.mark.parametrize('name', MODULES)
def test_every_returned_dict_documents_its_fields(name):
    dummy, returns = own_docs(name)
    for path, entry in complex_entries(returns):
        assert entry.get('contains'), '%s: RETURN %s is a %s without contains' % (name, path, entry['type'])


def test_the_check_sees_nested_entries():
    # settings.click_tracking.settings is a list of dicts three levels down.
    paths = [path for path, entry in complex_entries(own_docs('turbosmtp_tracking_info')[1])]
    assert 'settings.click_tracking.settings' in paths
    assert 'diff.before' in [path for path, entry in complex_entries(own_docs('turbosmtp_tracking')[1])]


@pytest.mark.parametrize('name', MODULES)
def test_every_module_has_seealso(name):
    documentation, dummy = own_docs(name)
    seealso = documentation.get('seealso') or []
    modules = [item['module'] for item in seealso if 'module' in item]
    assert modules, '%s: seealso names no related module' % name
    for module in modules:
        assert module.startswith('turbosmtp.api.') and module.split('.')[-1] in MODULES and module != 'turbosmtp.api.' + name
    assert any(item.get('link') in GUIDES for item in seealso), '%s: seealso does not point to a guide' % name
    for item in seealso:
        assert item.get('description'), item


@pytest.mark.parametrize('name', MODULES)
def test_every_module_states_its_attributes(module_docs, name):
    attributes = module_docs['turbosmtp.api.' + name]['doc']['attributes']
    for attribute in ('check_mode', 'diff_mode', 'action_group', 'idempotent'):
        assert attribute in attributes, '%s: no %s attribute' % (name, attribute)
        assert attributes[attribute].get('support') in SUPPORT_LEVELS, (name, attribute, attributes[attribute])
        assert attributes[attribute].get('description'), (name, attribute)
    assert attributes['action_group']['membership'] == ['turbosmtp.api.turbosmtp']
    if name in IDEMPOTENT:
        assert attributes['idempotent']['support'] == 'full', name
    else:
        # A module that is not idempotent says so, and why.
        assert attributes['idempotent']['support'] in ('none', 'partial'), name
        assert attributes['idempotent'].get('details'), name


def test_send_and_token_say_what_a_rerun_does(module_docs):
    send = module_docs['turbosmtp.api.turbosmtp_send']['doc']['attributes']['idempotent']
    token = module_docs['turbosmtp.api.turbosmtp_token']['doc']['attributes']['idempotent']
    assert send['support'] == 'none'
    assert 'sends every message again' in ' '.join(send['details'])
    assert token['support'] == 'partial'
    assert 'every run creates another token' in ' '.join(token['details'])


@pytest.mark.parametrize('name', ['turbosmtp_stats_info', 'turbosmtp_reports_info'])
def test_tz_is_documented_by_the_listing_fragment(module_docs, name):
    documentation, dummy = own_docs(name)
    assert 'turbosmtp.api.listing' in documentation['extends_documentation_fragment']
    assert 'tz' not in documentation['options'], '%s documents tz itself; the listing fragment owns it' % name
    tz = module_docs['turbosmtp.api.' + name]['doc']['options']['tz']
    assert tz['type'] == 'str'
    assert '+14:00' in ' '.join(tz['description'])


def test_all_false_is_documented_as_not_set(module_docs):
    for name in ('turbosmtp_reports_info', 'turbosmtp_report_cleanup'):
        description = ' '.join(module_docs['turbosmtp.api.' + name]['doc']['options']['all']['description'])
        assert 'V(false) is the same as not setting it' in description, name


def test_the_concurrency_limits_are_documented(module_docs):
    from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import MAX_CONCURRENCY
    having = [name for name in MODULES if 'concurrency' in module_docs['turbosmtp.api.' + name]['doc']['options']]
    assert sorted(having) == ['turbosmtp_report_cleanup', 'turbosmtp_reports_info', 'turbosmtp_send', 'turbosmtp_stats_info']
    for name in having:
        description = ' '.join(module_docs['turbosmtp.api.' + name]['doc']['options']['concurrency']['description'])
        assert 'from 1 to %d' % MAX_CONCURRENCY in description, name


def test_callback_doc_resolves():
    doc = ansible_doc('callback', ['notify'])['turbosmtp.api.notify']['doc']
    assert [item['module'] for item in doc['seealso'] if 'module' in item] == ['turbosmtp.api.turbosmtp_send']
