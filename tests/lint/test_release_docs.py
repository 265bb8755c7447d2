# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a release promises matches what it ships.

- No option, plugin or role says it was added in a version newer than the one galaxy.yml builds: a user
  of the tarball would read "New in 1.2.0" in a 1.1.0 install.
- Every file of this repository that the user-facing docs name exists where they say, so a reader can
  open it (a guide that moved, an example under the wrong directory).
"""

import glob
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Where version_added is written: plugin and event source DOCUMENTATION, role argument specs, runtime.
VERSIONED = ('plugins', 'roles', 'extensions', 'meta')
DOCS = ['README.md', 'CHANGELOG.rst', os.path.join('docs', 'docsite', 'rst', 'guide.rst'),
        os.path.join('docs', 'docsite', 'rst', 'event_driven_ansible.rst'), os.path.join('docs', 'examples', 'README.md')]
DOCS += sorted(os.path.relpath(path, REPO) for path in glob.glob(os.path.join(REPO, 'roles', '*', 'README.md')))
# A name the docs give relative to the repository root starts with one of these (or is a root file).
TOP_LEVEL = ('benchmarks', 'changelogs', 'demo', 'docs', 'examples', 'extensions', 'meta', 'plugins', 'roles',
             'scripts', 'simulator', 'tests')
ROOT_FILES = ('README.md', 'CONTRIBUTING.md', 'CHANGELOG.rst', 'LICENSE', 'galaxy.yml', 'requirements.txt',
              'requirements-dev.txt', 'ruff.toml', 'pytest.ini', '.ansible-lint', '.yamllint', '.pre-commit-config.yaml')
# Code spans (`x` in Markdown, ``x`` in RST), link targets (Markdown, RST) and file names in running text.
NAMED = re.compile(r'``([^`\s]+)``|`([^`\s]+)`|\]\(([^)\s#]+)[^)]*\)|<([^>\s#]+)(?:#[^>\s]*)?>`_|'
                   r'(?<![\w/.:-])((?:%s)/[\w./*<>-]+)' % '|'.join(TOP_LEVEL))


def galaxy_version():
    with open(os.path.join(REPO, 'galaxy.yml')) as handle:
        return yaml.safe_load(handle)['version']


def as_tuple(version):
    return tuple(int(part) for part in version.split('.'))


def version_added_everywhere():
    """(file, line number, version) of every version_added in what the collection ships."""
    found = []
    for top in VERSIONED:
        for folder, dirs, files in os.walk(os.path.join(REPO, top)):
            dirs[:] = [name for name in dirs if name not in ('__pycache__', 'molecule')]
            for name in files:
                if not name.endswith(('.py', '.yml', '.yaml')):
                    continue
                path = os.path.join(folder, name)
                with open(path) as handle:
                    for number, line in enumerate(handle, 1):
                        match = re.search(r'\bversion_added:\s*[\'"]?([0-9][0-9.]*)', line)
                        if match:
                            found.append((os.path.relpath(path, REPO), number, match.group(1).rstrip('.')))
    return found


def test_no_version_added_is_newer_than_the_release():
    release = as_tuple(galaxy_version())
    found = version_added_everywhere()
    assert len(found) > 10, 'version_added is written in the plugins and roles: %s' % found
    newer = ['%s:%d says version_added %s' % item for item in found if as_tuple(item[2]) > release]
    assert not newer, 'galaxy.yml builds %s, but\n%s' % (galaxy_version(), '\n'.join(newer))


def test_the_release_has_a_summary_fragment():
    """The release summary of galaxy.yml's version is written before `antsibull-changelog release`."""
    version = galaxy_version()
    with open(os.path.join(REPO, 'changelogs', 'changelog.yaml')) as handle:
        released = yaml.safe_load(handle)['releases']
    if version in released:
        return
    with open(os.path.join(REPO, 'changelogs', 'fragments', '%s-release-summary.yml' % version)) as handle:
        summary = yaml.safe_load(handle)['release_summary']
    for feature in ('digest', 'stats_summary', 'in-process', 'webhook'):
        assert feature in summary, feature


def candidate(name):
    """The repository path a name in the docs means, or None when it is not one (a URL, a user's file)."""
    name = name.strip().rstrip('.,;:)')
    if not name or '://' in name or name.startswith(('/', '~', '$', '-', '#', 'mailto:')) or '{' in name:
        return None
    name = name[2:] if name.startswith('./') else name
    first = name.split('/')[0]
    if first in TOP_LEVEL and '/' in name:
        return name
    if name in ROOT_FILES:
        return name
    return None


def named_paths(doc):
    with open(os.path.join(REPO, doc)) as handle:
        text = handle.read()
    here = os.path.dirname(doc)
    names = set()
    for match in NAMED.finditer(text):
        link = match.group(3) or match.group(4)
        if link and '://' not in link and not link.startswith('#'):
            # A relative link is relative to the document that holds it.
            path = os.path.normpath(os.path.join(here, link))
            names.add((link, path))
            continue
        path = candidate(match.group(1) or match.group(2) or match.group(5) or '')
        if path:
            names.add((path, path))
    return names


# Files the docs name as what a command writes, not as files of the repository.
WRITTEN_BY_COMMANDS = {'demo/digest.html': './scripts/demo.sh writes it'}


def exists(path):
    if path in WRITTEN_BY_COMMANDS:
        return True
    # <module>, *.yml: a pattern the docs use for "each of these"; at least one must exist.
    pattern = re.sub(r'<[^>]*>', '*', path)
    if '*' in pattern:
        return bool(glob.glob(os.path.join(REPO, pattern)))
    return os.path.exists(os.path.join(REPO, pattern))


@pytest.mark.parametrize('doc', DOCS)
def test_every_file_a_doc_names_exists(doc):
    names = named_paths(doc)
    assert names or doc.startswith('roles'), 'no repository path found in %s' % doc
    missing = sorted('%s (%s)' % (name, path) if name != path else name for name, path in names if not exists(path))
    assert not missing, '%s names files that do not exist:\n%s' % (doc, '\n'.join(missing))


def test_a_wrong_path_is_caught():
    """The extraction finds the kinds of names the docs use, so a missing one cannot slip through."""
    assert candidate('examples/digest_weekly.yml') == 'examples/digest_weekly.yml'
    assert not exists('examples/digest_weekly.yml')
    assert exists('docs/examples/digest_weekly.yml')
    assert candidate('https://example.com/docs/x') is None
    assert candidate('/var/lib/eda/turbosmtp-events.json') is None
    names = dict(named_paths(os.path.join('docs', 'examples', 'README.md')))
    assert names['tracking_as_code.yml'] == os.path.join('docs', 'examples', 'tracking_as_code.yml')


@pytest.fixture(scope='module')
def collections_path(tmp_path_factory):
    """A collections path where turbosmtp.api is this checkout (or the copy ansible-test runs in)."""
    parts = REPO.split(os.sep)
    if parts[-3:-1] == ['ansible_collections', 'turbosmtp']:
        return os.sep.join(parts[:-3])
    root = tmp_path_factory.mktemp('collections')
    (root / 'ansible_collections' / 'turbosmtp').mkdir(parents=True)
    (root / 'ansible_collections' / 'turbosmtp' / 'api').symlink_to(REPO)
    return str(root)


def ansible_doc(collections_path, plugin_type, names):
    # The ansible-doc beside this interpreter: under ansible-test the `ansible` package is not runnable with -m.
    command = shutil.which('ansible-doc', path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR='1')
    result = subprocess.run([command, '-t', plugin_type] + ['turbosmtp.api.' + name for name in names], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout


ROLES = sorted(name for name in os.listdir(os.path.join(REPO, 'roles'))
               if os.path.isfile(os.path.join(REPO, 'roles', name, 'meta', 'argument_specs.yml')))
FILTERS = sorted(name[:-3] for name in os.listdir(os.path.join(REPO, 'plugins', 'filter'))
                 if name.endswith('.py') and not name.startswith('_'))


@pytest.mark.parametrize('plugin_type, names', [('role', ROLES), ('filter', FILTERS)], ids=['roles', 'filters'])
def test_docs_render_without_raw_markup(collections_path, plugin_type, names):
    """ansible-doc shows a plugin reference inside parentheses as "(of module ...)" and a P() reference as
    "[[name]]": written into a sentence, they print doubled parentheses or raw brackets."""
    text = ansible_doc(collections_path, plugin_type, names)
    # One ansible-doc for every plugin of the type: each plugin's page starts with "> ROLE: *name*" or "> NAME".
    assert all(('turbosmtp.api.%s' % name) in text for name in names), text[:3000]
    for page in re.split(r'^> ', text, flags=re.M)[1:]:
        flat = ' '.join(page.split())
        assert not re.search(r'\(of module [^()]*\)\)', flat), flat
        assert '[[' not in flat, flat
