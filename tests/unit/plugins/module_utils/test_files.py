"""The CSV exports the list modules write (csv_dest): private when new, a replaced file keeps its owner,
group and mode, and Ansible's mode, owner and group options apply. Over real HTTP with the simulator."""

import os
import stat

import pytest

from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_reports_info, turbosmtp_stats_info

STATS_RANGE = {'start': '2026-01-01 00:00:00', 'end': '2026-12-31 23:59:59', 'tz': '+00:00'}


def export(run_module, credentials, dest, **file_options):
    options = dict(credentials, type='spam', all=True, csv_dest=str(dest), **file_options)
    result, failed = run_module(turbosmtp_reports_info.main, options)
    assert not failed, result
    return result


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_export_is_readable_by_its_owner_only(run_module, credentials, tmp_path):
    dest = tmp_path / 'spam.csv'
    export(run_module, credentials, dest)
    assert mode_of(dest) == 0o600


def test_a_new_stats_export_is_readable_by_its_owner_only(run_module, credentials, tmp_path):
    dest = tmp_path / 'stats.csv'
    result, failed = run_module(turbosmtp_stats_info.main, dict(credentials, csv_dest=str(dest), **STATS_RANGE))
    assert not failed, result
    assert mode_of(dest) == 0o600


def test_a_replaced_export_keeps_its_owner_group_and_mode(run_module, credentials, tmp_path):
    if os.geteuid() != 0:
        pytest.skip('only root can give a file to another user')
    dest = tmp_path / 'spam.csv'
    dest.write_text('old')
    os.chmod(dest, 0o644)
    os.chown(dest, 65534, 65534)
    export(run_module, credentials, dest)
    status = os.stat(dest)
    assert (stat.S_IMODE(status.st_mode), status.st_uid, status.st_gid) == (0o644, 65534, 65534)
    assert dest.read_text() != 'old'


def test_a_replaced_export_keeps_its_mode(run_module, credentials, tmp_path):
    dest = tmp_path / 'spam.csv'
    dest.write_text('old')
    os.chmod(dest, 0o640)
    export(run_module, credentials, dest)
    assert mode_of(dest) == 0o640 and dest.read_text() != 'old'


@pytest.mark.parametrize('mode, expected', [('0644', 0o644), (0o640, 0o640), ('u=rw,g=r', 0o640)])
def test_the_mode_option_sets_the_mode_of_a_new_export(run_module, credentials, tmp_path, mode, expected):
    dest = tmp_path / 'spam.csv'
    export(run_module, credentials, dest, mode=mode)
    assert mode_of(dest) == expected


def test_owner_and_group_options_give_the_export_away(run_module, credentials, tmp_path):
    if os.geteuid() != 0:
        pytest.skip('only root can give a file to another user')
    dest = tmp_path / 'spam.csv'
    export(run_module, credentials, dest, owner='65534', group='65534')
    assert (os.stat(dest).st_uid, os.stat(dest).st_gid) == (65534, 65534)


@pytest.mark.parametrize('options, message', [({'mode': 'rwx'}, 'mode must be in octal'), ({'mode': '017777'}, 'mode may only'),
                                              ({'owner': 'no-such-user-here'}, 'owner no-such-user-here is not a user')])
def test_a_file_option_that_cannot_work_fails_before_any_request(run_module, sim, credentials, tmp_path, options, message):
    options = dict(credentials, type='spam', all=True, csv_dest=str(tmp_path / 'spam.csv'), **options)
    result, failed = run_module(turbosmtp_reports_info.main, options)
    assert failed and result['msg'].startswith(message), result['msg']
    assert sim.requests() == [] and not (tmp_path / 'spam.csv').exists()


def test_file_options_without_csv_dest_are_refused(run_module, sim, credentials):
    result, failed = run_module(turbosmtp_reports_info.main, dict(credentials, type='spam', all=True, mode='0644'))
    assert failed and 'csv_dest' in result['msg']
