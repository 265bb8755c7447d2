"""The modules' documentation tells the whole truth: what they return, whether a rerun changes anything,
where to look next, and that the doc fragments resolve (issue 14).

Two kinds of checks. Static ones read DOCUMENTATION and RETURN (yaml) and what ``ansible-doc --json`` makes
of them with the fragments merged in. Live ones run the modules against the simulator and compare every
returned dict and row with the ``contains`` of its RETURN entry, both ways: no field returned undocumented,
no documented field missing.
"""

import ast
import importlib
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


def main_of(name):
    return importlib.import_module('ansible_collections.turbosmtp.api.plugins.modules.' + name).main


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
        pytest.fail('ANSIBLE_COLLECTIONS_PATH is not set: run the tests after `source scripts/env.sh`')
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


def test_all_false_behaves_as_documented(run_module, credentials):
    # all: false beside another selection is accepted and changes nothing about it.
    reports, failed = run_module(main_of('turbosmtp_reports_info'), dict(
        credentials, type='bounce', all=False, start='2000-01-01', end='2100-12-31', count_only=True))
    assert not failed, reports
    cleanup, failed = run_module(main_of('turbosmtp_report_cleanup'), dict(
        credentials, type='bounce', all=False, ids=['1']), check_mode=True)
    assert not failed, cleanup
    assert cleanup['deleted'] == 0


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


# -- what the modules really return, against what RETURN says -------------------------------------

TYPES = {'bool': bool, 'int': int, 'str': str, 'list': list, 'dict': dict, 'float': (int, float)}


def assert_documented(value, entry, path, open_dict=False):
    """value matches the RETURN entry: its type, and the fields of every dict, both ways.

    With open_dict, the top-level dict may hold fields beyond the documented ones (the account passes on
    whatever the API adds), but every documented one must be there.
    """
    kind = entry['type']
    if value is None:
        return  # null is a value of any documented type (error, parentid, last_used)
    if kind in TYPES:
        assert isinstance(value, TYPES[kind]) and not (kind == 'int' and isinstance(value, bool)), \
            '%s: %r is not a %s' % (path, value, kind)
    contains = entry.get('contains')
    if kind == 'dict' and contains:
        if open_dict:
            assert set(contains) <= set(value), '%s: documented but not returned: %s' % (path, set(contains) - set(value))
        else:
            assert set(value) == set(contains), '%s: returned %s, documented %s' % (path, sorted(value), sorted(contains))
        for key in contains:
            assert_documented(value[key], contains[key], '%s.%s' % (path, key))
    elif kind == 'list':
        for index, item in enumerate(value):
            if entry.get('elements') == 'dict' and contains:
                assert_documented(item, dict(contains=contains, type='dict'), '%s[%d]' % (path, index))
            elif entry.get('elements') in TYPES:
                assert_documented(item, dict(type=entry['elements']), '%s[%d]' % (path, index))


def assert_result_documented(name, result, keys, open_dicts=()):
    dummy, returns = own_docs(name)
    for key in keys:
        assert key in result, '%s did not return %s' % (name, key)
        assert key in returns, '%s returns %s but RETURN does not document it' % (name, key)
        assert_documented(result[key], returns[key], key, open_dict=key in open_dicts)


@pytest.mark.parametrize('name, keys', [
    ('turbosmtp_account_info', ['account']),
    ('turbosmtp_plans_info', ['plans']),
    ('turbosmtp_subaccounts_info', ['subaccounts']),
    ('turbosmtp_tracking_info', ['tracking', 'settings']),
])
def test_what_the_read_modules_return_is_documented(run_module, credentials, name, keys):
    result, failed = run_module(main_of(name), credentials)

    assert not failed, result
    assert_result_documented(name, result, keys, open_dicts=('account',))
    assert [key for key in result if 'passw' in key.lower()] == []
    if name == 'turbosmtp_account_info':
        assert [key for key in result['account'] if 'passw' in key.lower()] == []


def test_the_rows_of_the_list_modules_are_documented(run_module, credentials):
    emails, failed = run_module(main_of('turbosmtp_stats_info'), dict(credentials, start='2000-01-01', end='2100-12-31', limit=25))
    assert not failed, emails
    assert len(emails['emails']) == 25
    assert_result_documented('turbosmtp_stats_info', emails, ['emails', 'count'])

    latest, failed = run_module(main_of('turbosmtp_stats_info'), dict(credentials, last=10))
    assert not failed, latest
    assert_result_documented('turbosmtp_stats_info', latest, ['emails', 'count'])

    reports, failed = run_module(main_of('turbosmtp_reports_info'), dict(credentials, type='bounce', all=True, limit=25))
    assert not failed, reports
    assert reports['reports']
    assert_result_documented('turbosmtp_reports_info', reports, ['reports', 'count'])


def test_the_tracking_diff_is_documented(run_module, credentials):
    tracking, failed = run_module(main_of('turbosmtp_tracking'), dict(credentials, open_tracking=True), diff=True)
    assert not failed, tracking
    assert tracking['changed']
    assert_result_documented('turbosmtp_tracking', tracking, ['tracking', 'diff'])


def test_the_cleanup_diff_is_documented(run_module, credentials):
    cleanup, failed = run_module(main_of('turbosmtp_report_cleanup'), dict(credentials, type='unsub', all=True),
                                 check_mode=True, diff=True)
    assert not failed, cleanup
    assert cleanup['ids']
    assert_result_documented('turbosmtp_report_cleanup', cleanup, ['deleted', 'ids', 'diff'])


def test_a_batch_outcome_is_documented(run_module, send_credentials):
    batch, failed = run_module(main_of('turbosmtp_send'), dict(
        send_credentials, subject='Hello', content='Hi', messages=[
            {'from': 'ops@example.com', 'to': ['alice@example.com']},
            {'from': 'ops@example.com', 'to': ['bob@example.com']}]))
    assert not failed, batch
    assert_result_documented('turbosmtp_send', batch, ['messages'])
    assert [item['status'] for item in batch['messages']] == ['sent', 'sent']
