# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built collection under the ecosystem's own tools.

The tools (galaxy-importer, ansible-rulebook, ansible-builder and the ansible-core they bring) live in
their own virtualenv, made by `nox -s ecosystem` (TURBOSMTP_ECOSYSTEM_VENV, default .venv-ecosystem/).
Every tool runs as a user would run it: on the tarball that `ansible-galaxy collection build` makes,
installed with `ansible-galaxy collection install -p`, without this checkout's PYTHONPATH or collections
symlink (scripts/env.sh sets both; they are removed from every environment given to a tool here).
"""

import os

import pytest

from ecosystem_tools import BUILD_TIMEOUT, ECO_BIN, ECO_VENV, REPO, check, run


def pytest_collection_modifyitems(config, items):
    if os.path.isfile(os.path.join(ECO_BIN, 'python')):
        return
    if os.environ.get('TURBOSMTP_ECOSYSTEM_VENV'):
        raise pytest.UsageError('TURBOSMTP_ECOSYSTEM_VENV=%s holds no virtualenv' % ECO_VENV)
    skip = pytest.mark.skip(reason='no %s: run `nox -s ecosystem`, which installs the tools' % ECO_VENV)
    for item in items:
        if str(item.fspath).startswith(os.path.dirname(os.path.abspath(__file__))):
            item.add_marker(skip)


@pytest.fixture(scope='session')
def tarball(tmp_path_factory):
    """The collection as `ansible-galaxy collection build` makes it from this checkout."""
    out = tmp_path_factory.mktemp('build')
    check(run([os.path.join(ECO_BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(out), REPO],
              BUILD_TIMEOUT, cwd=str(out)), 'ansible-galaxy collection build')
    built = sorted(out.glob('turbosmtp-api-*.tar.gz'))
    assert len(built) == 1, built
    return built[0]


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory, tarball):
    """A collections path holding only the installed tarball (ansible-galaxy collection install -p)."""
    root = tmp_path_factory.mktemp('collections')
    check(run([os.path.join(ECO_BIN, 'ansible-galaxy'), 'collection', 'install', '-p', str(root), str(tarball)],
              BUILD_TIMEOUT, cwd=str(root)), 'ansible-galaxy collection install')
    installed = root / 'ansible_collections' / 'turbosmtp' / 'api'
    assert (installed / 'MANIFEST.json').is_file(), 'the tarball did not install to %s' % installed
    return root
