# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AAP / AWX environments in extensions/ee/ under `ansible-builder create`.

`create` validates a definition and writes the build context (Containerfile, requirements); building
the image needs a container engine, which users have and this suite does not. The tests check that
the context installs what a job template or a rulebook activation of this collection needs, and that
the collection's own requirements (meta/execution-environment.yml) reach ansible-builder's introspection.
"""

import os

import pytest
import yaml

from ecosystem_tools import ECO_BIN, REPO, check, run

BUILDER_TIMEOUT = 120
EE_DIR = os.path.join(REPO, 'extensions', 'ee')


def create(definition, context):
    check(run([os.path.join(ECO_BIN, 'ansible-builder'), 'create', '-f', os.path.join(EE_DIR, definition),
               '--context', str(context)], BUILDER_TIMEOUT, cwd=str(context.parent)),
          'ansible-builder create -f extensions/ee/%s' % definition)
    names = [name for name in ('Containerfile', 'Dockerfile') if (context / name).is_file()]
    assert names, 'ansible-builder wrote no Containerfile or Dockerfile in %s' % context
    build = context / '_build'
    with open(str(build / 'requirements.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    python = (build / 'requirements.txt').read_text().split() if (build / 'requirements.txt').is_file() else []
    bindep = (build / 'bindep.txt').read_text() if (build / 'bindep.txt').is_file() else ''
    return {'containerfile': (context / names[0]).read_text(), 'galaxy': galaxy, 'python': python, 'bindep': bindep}


def requirement_names(lines):
    return set(line.split('>')[0].split('=')[0].split('<')[0].strip().lower() for line in lines if line)


@pytest.mark.parametrize('definition', ['execution-environment.yml', 'decision-environment.yml'])
def test_environment_installs_the_collection_on_ansible_core(tmp_path, definition):
    context = create(definition, tmp_path / 'context')
    containerfile, galaxy, python = context['containerfile'], context['galaxy'], context['python']
    assert [c['name'] for c in galaxy['collections']] == ['turbosmtp.api']
    assert 'ansible-galaxy collection install' in containerfile
    assert 'ansible-core' in containerfile and 'ansible-runner' in containerfile
    # ansible-core 2.17+ needs Python 3.10+: the environment must not run it on the image's python3.9.
    assert 'PYCMD="/usr/bin/python3.11"' in containerfile
    assert 'requests' in requirement_names(python)
    # The collection's meta/execution-environment.yml is what ansible-builder introspects in it.
    assert 'introspect' in containerfile


def test_decision_environment_runs_rulebooks(tmp_path):
    context = create('decision-environment.yml', tmp_path / 'context')
    containerfile, python, bindep = context['containerfile'], context['python'], context['bindep']
    assert {'ansible-rulebook', 'aiohttp', 'requests'} <= requirement_names(python)
    assert 'java-17-openjdk' in bindep
    assert 'JAVA_HOME=' in containerfile


def test_installed_collection_declares_its_python_requirements(collections_path):
    """What ansible-builder finds in the installed tarball: requests (modules, events) and aiohttp (webhook)."""
    result = check(run([os.path.join(ECO_BIN, 'ansible-builder'), 'introspect', '--sanitize', str(collections_path)],
                       BUILDER_TIMEOUT), 'ansible-builder introspect')
    found = yaml.safe_load(result.stdout[result.stdout.index('python:'):]) if 'python:' in result.stdout else None
    assert found, 'ansible-builder found no Python requirements in the collection:\n' + result.stdout
    lines = [line.split('#')[0].strip() for line in found['python']]
    assert {'requests', 'aiohttp'} <= requirement_names(lines), found
