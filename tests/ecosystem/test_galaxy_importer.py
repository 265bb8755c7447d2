# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Galaxy's own import checks on the built tarball, with the strict settings Galaxy and Automation Hub use.

galaxy-importer runs without containers (LOCAL_IMAGE_DOCKER off; ansible-test sanity runs in its own
stage). It exits 0 even when a check logs an ERROR (ansible-doc failing on a plugin, for example), so
the import is judged by its log too: any ERROR line fails, as it would flag the upload.
"""

import json
import os
import re

import pytest

from ecosystem_tools import ECO_BIN, check, run, tool_env

IMPORTER_TIMEOUT = 300
STRICT_CONFIG = """\
[galaxy-importer]
LOCAL_IMAGE_DOCKER = False
RUN_ANSIBLE_TEST = False
CHECK_REQUIRED_TAGS = True
RUN_FLAKE8 = True
REQUIRE_V1_OR_GREATER = True
RUN_ANSIBLE_DOC = True
RUN_ANSIBLE_LINT = True
CHECK_CHANGELOG = True
"""
EVENT_SOURCES = ('events', 'webhook')


@pytest.fixture(scope='module')
def imported(tmp_path_factory, tarball):
    """The log and importer_result.json of one strict import of the tarball."""
    work = tmp_path_factory.mktemp('galaxy-importer')
    config = work / 'galaxy-importer.cfg'
    config.write_text(STRICT_CONFIG)
    env = tool_env()
    env['GALAXY_IMPORTER_CONFIG'] = str(config)
    env['HOME'] = str(work)  # ansible-lint and ansible-doc write caches under ~
    result = run([os.path.join(ECO_BIN, 'python'), '-m', 'galaxy_importer.main', str(tarball)],
                 IMPORTER_TIMEOUT, env=env, cwd=str(work))
    check(result, 'galaxy-importer (the import was rejected)')
    with open(str(work / 'importer_result.json')) as handle:
        return {'log': result.stdout, 'result': json.load(handle)}


def test_import_logs_no_error(imported):
    log = imported['log']
    errors = [line for line in log.splitlines() if re.match(r'\s*ERROR\b', line)]
    assert not errors, 'galaxy-importer logged errors:\n' + '\n'.join(errors)
    assert 'Importer processing completed successfully' in log


def test_metadata_is_what_galaxy_shows(imported, tarball):
    result = imported['result']
    metadata = result['metadata']
    assert (metadata['namespace'], metadata['name']) == ('turbosmtp', 'api')
    assert tarball.name == 'turbosmtp-api-%s.tar.gz' % metadata['version']
    assert int(metadata['version'].split('.')[0]) >= 1
    assert metadata['authors'] and all(len(author) <= 64 for author in metadata['authors'])
    assert 'eda' in metadata['tags']
    assert result['requires_ansible']


def test_event_sources_are_listed_and_documented(imported):
    """meta/extensions.yml makes Galaxy list the event sources and render their documentation."""
    result = imported['result']
    listed = dict((c['name'], c) for c in result['contents'] if c['content_type'] == 'eda/plugins/event_source')
    assert sorted(listed) == sorted(EVENT_SOURCES)
    for name in EVENT_SOURCES:
        assert listed[name]['description'], 'Galaxy shows no description for the %s event source' % name
    documented = dict((c['content_name'], c) for c in result['docs_blob']['contents']
                      if c['content_type'] == 'eda/plugins/event_source')
    for name in EVENT_SOURCES:
        doc = (documented.get(name) or {}).get('doc_strings') or {}
        assert doc.get('doc', {}).get('options'), 'Galaxy renders no options for the %s event source' % name


def test_modules_and_callback_are_documented(imported):
    result = imported['result']
    undocumented = [c['content_name'] for c in result['docs_blob']['contents']
                    if c['content_type'] in ('module', 'callback') and not c.get('doc_strings')]
    assert not undocumented
