# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The docs site antsibull-docs builds from the installed tarball shows the guides (docs/docsite/).

antsibull-docs renders only reStructuredText extra docs (docs/docsite/rst/), which is where the guides are
written: the site has a "Guides" section (extra-docs.yml) with both pages, and links to their sources (links.yml).
Plugin documentation itself is checked by the lint stage (scripts/docs.sh --check).
"""

import os
import re

import pytest
import yaml

from ecosystem_tools import PROJECT_BIN, REPO, check, run, tool_env

DOCS_TIMEOUT = 180
REPOSITORY = 'https://github.com/turbosmtp/ansible-collection-api'
GUIDES = {'guide': 'turboSMTP.api user guide', 'event_driven_ansible': 'Event-Driven Ansible and run notifications'}
GUIDE_SOURCES = tuple('docs/docsite/rst/%s.rst' % name for name in GUIDES)


def docs_env(collections_path):
    # antsibull-docs is a project tool (.venv); it reads the installed collection only.
    return tool_env(collections_path=str(collections_path), extra_path=[PROJECT_BIN])


@pytest.fixture(scope='module')
def site(tmp_path_factory, collections_path):
    dest = tmp_path_factory.mktemp('docsite')
    os.chmod(str(dest), 0o700)  # antsibull-docs writes only into a directory that only its owner can write
    check(run([os.path.join(PROJECT_BIN, 'antsibull-docs'), 'collection', '--use-current', '--dest-dir', str(dest),
               'turbosmtp.api'], DOCS_TIMEOUT, env=docs_env(collections_path), cwd=str(dest)),
          'antsibull-docs collection')
    return dest / 'collections' / 'turbosmtp' / 'api'


def test_collection_docs_lint_clean(collections_path):
    installed = collections_path / 'ansible_collections' / 'turbosmtp' / 'api'
    assert (installed / 'docs' / 'docsite' / 'extra-docs.yml').is_file(), 'docs/docsite/ is not in the tarball'
    check(run([os.path.join(PROJECT_BIN, 'antsibull-docs'), 'lint-collection-docs', str(installed)], DOCS_TIMEOUT,
              env=docs_env(collections_path), cwd=str(installed)), 'antsibull-docs lint-collection-docs')


def test_site_has_a_guides_section_with_both_guides_rendered(site):
    index = (site / 'index.rst').read_text()
    assert re.search(r'^Guides\n-+\n', index, re.M), 'no Guides section on the collection page'
    for name, title in GUIDES.items():
        assert 'docsite/%s' % name in index, name
        page = (site / 'docsite' / ('%s.rst' % name)).read_text()
        assert title.lower() in page.lower(), name
        assert len(page.splitlines()) > 100, '%s is a stub, not the guide' % name


def test_collection_page_links_both_guides(site):
    index = (site / 'index.rst').read_text()
    for guide in GUIDE_SOURCES:
        assert 'url: "%s/blob/main/%s"' % (REPOSITORY, guide) in index, guide
    assert '%s/issues' % REPOSITORY in index


def read_text(path):
    with open(path) as handle:
        return handle.read()


def test_every_repository_link_names_a_file_of_the_checkout():
    """Links to this repository's main branch must not point at a moved or renamed guide."""
    texts = [(os.path.join('docs', 'docsite', name), read_text(os.path.join(REPO, 'docs', 'docsite', name)))
             for name in ['links.yml'] + [os.path.join('rst', '%s.rst' % guide) for guide in GUIDES]]
    with open(os.path.join(REPO, 'docs', 'docsite', 'links.yml')) as handle:
        yaml.safe_load(handle)
    targets = set()
    for name, text in texts:
        for path in re.findall(re.escape(REPOSITORY) + r'/(?:blob|tree)/main/([^\s"\'<>`]+)', text):
            targets.add(path)
            assert os.path.exists(os.path.join(REPO, path)), '%s links %s, which does not exist' % (name, path)
    assert set(GUIDE_SOURCES) <= targets
