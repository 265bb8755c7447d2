"""What the modules really return is what their RETURN documents, field by field, both ways: no field returned
undocumented, no documented field missing (issue 14). The modules run against the simulator.
The static checks of the documentation keys (attributes, seealso, fragments) are in tests/lint/.
"""

import ast
import importlib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def own_docs(name):
    """The module's own DOCUMENTATION and RETURN, as yaml, without fragments."""
    tree = ast.parse((REPO / 'plugins' / 'modules' / (name + '.py')).read_text())
    strings = dict((node.targets[0].id, ast.literal_eval(node.value)) for node in tree.body
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) in ('DOCUMENTATION', 'RETURN'))
    return yaml.safe_load(strings['DOCUMENTATION']), yaml.safe_load(strings['RETURN']) or {}


def main_of(name):
    return importlib.import_module('ansible_collections.turbosmtp.api.plugins.modules.' + name).main


def test_all_false_behaves_as_documented(run_module, credentials):
    # all: false beside another selection is accepted and changes nothing about it.
    reports, failed = run_module(main_of('turbosmtp_reports_info'), dict(
        credentials, type='bounce', all=False, start='2000-01-01', end='2100-12-31', count_only=True))
    assert not failed, reports
    cleanup, failed = run_module(main_of('turbosmtp_report_cleanup'), dict(
        credentials, type='bounce', all=False, ids=['1']), check_mode=True)
    assert not failed, cleanup
    assert cleanup['deleted'] == 0


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
