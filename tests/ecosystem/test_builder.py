# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AAP / AWX environments in extensions/ee/ under `ansible-builder create`, as the guide runs it.

The user builds the tarball at the repository root (`ansible-galaxy collection build`), then runs
`ansible-builder create -f extensions/ee/<definition>` (or `build`) from the root. Here the root is a
copy holding the definitions and the tarball of this checkout, so nothing is written into the checkout.
`create` writes the build context; building the image needs a container engine, which this suite does
not have, so the tests run the two build steps that concern the collection outside a container, with
the files of the context: the galaxy stage's `ansible-galaxy collection install -r requirements.yml`
(from the context's _build/ directory, where the Containerfile runs it) and ansible-builder's own
introspection of the installed collection, which decides the Python packages of the image.
"""

import glob
import os
import re
import shlex
import shutil

import pytest
import yaml

from ecosystem_tools import ECO_BIN, REPO, check, run

BUILDER_TIMEOUT = 180
DEFINITIONS = ('execution-environment.yml', 'decision-environment.yml')


def galaxy_version():
    with open(os.path.join(REPO, 'galaxy.yml')) as handle:
        return yaml.safe_load(handle)['version']


def requirement_names(lines):
    return set(re.split(r'[<>=!~\[; ]', line.strip(), maxsplit=1)[0].lower() for line in lines if line.strip())


@pytest.fixture(scope='module')
def root(tmp_path_factory, tarball):
    """A repository root as the user has it after `ansible-galaxy collection build`."""
    root = tmp_path_factory.mktemp('checkout')
    shutil.copytree(os.path.join(REPO, 'extensions', 'ee'), str(root / 'extensions' / 'ee'))
    shutil.copy(str(tarball), str(root / tarball.name))
    return root


def create(root, definition):
    """`ansible-builder create -f extensions/ee/<definition>` at the root; the context and its files."""
    context = root / ('context-' + definition.split('.')[0])
    check(run([os.path.join(ECO_BIN, 'ansible-builder'), 'create', '-f', 'extensions/ee/' + definition,
               '--context', str(context)], BUILDER_TIMEOUT, cwd=str(root)),
          'ansible-builder create -f extensions/ee/%s' % definition)
    # Containerfile for podman, Dockerfile when ansible-builder picks docker as the container runtime.
    names = [name for name in ('Containerfile', 'Dockerfile') if (context / name).is_file()]
    assert names, 'ansible-builder wrote no Containerfile or Dockerfile in %s' % context
    return {'dir': context, 'build': context / '_build', 'containerfile': (context / names[0]).read_text()}


@pytest.fixture(scope='module', params=DEFINITIONS)
def context(request, root):
    return dict(create(root, request.param), definition=request.param)


@pytest.fixture(scope='module')
def installed(context, tmp_path_factory):
    """What the galaxy stage installs: its own command, run in _build/ with a local collections path."""
    command = [line for line in context['containerfile'].splitlines()
               if line.startswith('RUN ') and 'ansible-galaxy collection install' in line]
    assert len(command) == 1, context['containerfile']
    target = tmp_path_factory.mktemp('usr-share-ansible') / 'collections'
    words = [word for word in shlex.split(command[0][len('RUN '):].replace('$ANSIBLE_GALAXY_CLI_COLLECTION_OPTS', ''))
             if '=' not in word or word.startswith('-')]
    words[words.index('--collections-path') + 1] = str(target)
    assert words[:3] == ['ansible-galaxy', 'collection', 'install'], words
    check(run([os.path.join(ECO_BIN, 'ansible-galaxy')] + words[1:], BUILDER_TIMEOUT, cwd=str(context['build'])),
          'the galaxy stage of %s' % context['definition'])
    return target


def test_context_carries_the_tarball_built_here(context):
    version = galaxy_version()
    shipped = sorted(path.name for path in (context['build'] / 'collections').glob('*.tar.gz'))
    assert 'turbosmtp-api-%s.tar.gz' % version in shipped
    with open(str(context['build'] / 'requirements.yml')) as handle:
        galaxy = yaml.safe_load(handle)
    assert galaxy['collections'] == [{'name': 'collections/turbosmtp-api-%s.tar.gz' % version, 'type': 'file'}], (
        'the definition must install the tarball of galaxy.yml\'s version %s' % version)


def test_galaxy_stage_installs_this_version_of_the_collection(context, installed):
    manifest = installed / 'ansible_collections' / 'turbosmtp' / 'api' / 'MANIFEST.json'
    assert manifest.is_file(), 'the galaxy stage did not install turbosmtp.api'
    assert '"version": "%s"' % galaxy_version() in manifest.read_text()


def test_base_image_is_pinned(context):
    bases = re.findall(r'^ARG EE_BASE_IMAGE="?([^"\s]+)', context['containerfile'], re.M)
    assert bases, context['containerfile']
    name, _colon, tag = bases[0].rpartition(':')
    assert name == 'registry.access.redhat.com/ubi9/python-311'
    assert tag and tag != 'latest' and re.match(r'^\d', tag), bases[0]


def test_ansible_runs_on_python_311(context):
    containerfile = context['containerfile']
    assert 'ansible-core' in containerfile and 'ansible-runner' in containerfile
    # ansible-core 2.17+ needs Python 3.10+: the environment must not run it on the image's python3.9.
    assert 'PYCMD="/usr/bin/python3.11"' in containerfile
    assert 'introspect' in containerfile


def introspect(context, installed):
    """The Python requirements the builder stage writes for the image, from the context's own script."""
    build = context['build']
    args = [os.path.join(ECO_BIN, 'python'), str(build / 'scripts' / 'introspect.py'), 'introspect', str(installed)]
    if (build / 'requirements.txt').is_file():
        args.append('--user-pip=' + str(build / 'requirements.txt'))
    if (build / 'exclude-requirements.txt').is_file():
        args.append('--exclude-pip-reqs=' + str(build / 'exclude-requirements.txt'))
    written = build.parent / 'introspected-requirements.txt'
    args.append('--write-pip=' + str(written))
    check(run(args, BUILDER_TIMEOUT, cwd=str(build)), 'introspect.py for %s' % context['definition'])
    return requirement_names(line.split('#')[0] for line in written.read_text().splitlines())


def test_image_python_packages(context, installed):
    packages = introspect(context, installed)
    assert 'requests' in packages
    if context['definition'] == 'execution-environment.yml':
        # Only the webhook event source needs aiohttp, and it runs in the decision environment.
        assert 'aiohttp' not in packages, packages
        assert 'ansible-rulebook' not in packages
    else:
        assert {'ansible-rulebook', 'aiohttp'} <= packages, packages


def test_decision_environment_runs_rulebooks_as_uid_1000(root):
    context = create(root, 'decision-environment.yml')
    containerfile = context['containerfile']
    assert 'java-17-openjdk' in (context['build'] / 'bindep.txt').read_text()
    assert 'JAVA_HOME=' in containerfile
    # The rulebooks' default paths (the events source's state_file, the suppression file): uid 1000 (and
    # group 0 on OpenShift) must write there. Each rulebook's default must be one of these directories.
    final = containerfile[containerfile.rindex('FROM '):]
    writable = ('/var/lib/eda', '/var/lib/mailing')
    step = next(line for line in final.splitlines() if line.startswith('RUN mkdir -p /var/lib/eda'))
    for directory in writable:
        assert ('chown 1000:0' in step and 'chmod 0775' in step and step.count(directory) == 3), step
    assert final.index('USER 1000') > final.index(step)
    defaults = set()
    for rulebook in glob.glob(os.path.join(REPO, 'extensions', 'eda', 'rulebooks', '*.yml')):
        with open(rulebook) as handle:
            defaults.update(re.findall(r"default\('(/var/[^']+)'\)", handle.read()))
    assert defaults and all(os.path.dirname(path) in writable for path in defaults), defaults


def test_installed_collection_declares_its_python_requirements(collections_path):
    """What ansible-builder finds in the installed tarball: requests (modules, events) and aiohttp (webhook)."""
    result = check(run([os.path.join(ECO_BIN, 'ansible-builder'), 'introspect', '--sanitize', str(collections_path)],
                       BUILDER_TIMEOUT), 'ansible-builder introspect')
    found = yaml.safe_load(result.stdout[result.stdout.index('python:'):]) if 'python:' in result.stdout else None
    assert found, 'ansible-builder found no Python requirements in the collection:\n' + result.stdout
    lines = [line.split('#')[0].strip() for line in found['python']]
    assert {'requests', 'aiohttp'} <= requirement_names(lines), found
