"""turbosmtp.api.events loaded the way ansible-rulebook loads it: runpy.run_path on the installed file,
in a process with no PYTHONPATH, and what happens to its token when that process is stopped or killed."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator import EMAIL, PASSWORD

REPO = Path(__file__).resolve().parents[4]
START = '2026-06-20 00:00:00'
TOKEN_LIFETIME = 3600

# What ansible-rulebook's engine does with a source (engine.py: module = runpy.run_path(find_source(...));
# await module['main'](queue, args)), with a queue that prints each event as one JSON line.
RUNNER = '''
import asyncio, json, runpy, sys

source = runpy.run_path(sys.argv[1])


class PrintingQueue:
    async def put(self, event):
        print(json.dumps(event), flush=True)


asyncio.run(source['main'](PrintingQueue(), json.loads(sys.argv[2])))
'''


@pytest.fixture
def installed(tmp_path):
    """The collection copied to <root>/ansible_collections/turbosmtp/api, as ansible-galaxy installs it."""
    collection = tmp_path / 'collections' / 'ansible_collections' / 'turbosmtp' / 'api'
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
    for part in ('plugins', 'extensions', 'meta'):
        shutil.copytree(str(REPO / part), str(collection / part), ignore=ignore)
    shutil.copy(str(REPO / 'galaxy.yml'), str(collection / 'galaxy.yml'))
    return collection / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'events.py'


@pytest.fixture
def bare_env(tmp_path):
    """An environment like a plain ansible-rulebook host: no PYTHONPATH, no collection settings."""
    env = dict((name, value) for name, value in os.environ.items()
               if name != 'PYTHONPATH' and not name.startswith(('TURBOSMTP_', 'ANSIBLE_')))
    workdir = tmp_path / 'elsewhere'
    workdir.mkdir()
    return env, str(workdir)


def start_source(source_file, args, env, cwd):
    return subprocess.Popen([sys.executable, '-c', RUNNER, str(source_file), json.dumps(args)], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def read_events(process, count):
    events = []
    for _event in range(count):
        line = process.stdout.readline()
        if not line:
            process.wait(10)
            pytest.fail('the source ended early (status %s): %s' % (process.returncode, process.stderr.read()))
        events.append(json.loads(line))
    return events


def stop(process, signum):
    process.send_signal(signum)
    try:
        process.wait(20)
    finally:
        if process.poll() is None:
            process.kill()
    return process.stderr.read()


@pytest.fixture
def source_args(sim):
    return dict(dashboard_url=sim.url, email=EMAIL, password=PASSWORD, interval=0.2, retries=0, start=START)


def seeded_count(sim):
    from ansible_collections.turbosmtp.api.plugins.module_utils.client import DashboardClient
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    try:
        params = {'start': START, 'end': '2026-12-31 23:59:59', 'tz': '+00:00'}
        return client.stats_count(params)
    finally:
        client.close()


def test_without_pythonpath_the_collection_is_not_importable_otherwise(installed, bare_env):
    """The control for the next test: in this environment only the source's own fix can find the collection."""
    env, cwd = bare_env
    probe = subprocess.run([sys.executable, '-c', 'import ansible_collections.turbosmtp.api.plugins.module_utils.client'],
                           env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           check=False)
    assert probe.returncode != 0 and 'ModuleNotFoundError' in probe.stdout


@pytest.mark.parametrize('preload', ['', 'other_collections'])
def test_the_installed_file_loads_with_runpy_without_pythonpath(installed, bare_env, tmp_path, preload):
    """Also when another ansible_collections directory (the ansible package's, say) was imported first."""
    env, cwd = bare_env
    script = 'import runpy, sys\n'
    if preload:
        other = tmp_path / preload
        (other / 'ansible_collections' / 'community' / 'general').mkdir(parents=True)
        script += 'sys.path.append(%r)\nimport ansible_collections.community.general\n' % str(other)
    script += 'source = runpy.run_path(sys.argv[1])\nprint(source["DashboardClient"].__module__)\n'
    loaded = subprocess.run([sys.executable, '-c', script, str(installed)], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, check=False)
    assert loaded.returncode == 0, loaded.stdout
    assert loaded.stdout.strip() == 'ansible_collections.turbosmtp.api.plugins.module_utils.client'


def test_the_installed_source_runs_without_pythonpath_and_revokes_on_a_clean_stop(sim, installed, bare_env, source_args):
    env, cwd = bare_env
    expected = seeded_count(sim)
    assert expected >= 3
    sim.clear_requests()
    process = start_source(installed, source_args, env, cwd)
    events = read_events(process, expected)
    assert {event['source'] for event in events} == {'turbosmtp.api.events'}
    assert len({(event['id'], event['recipient']) for event in events}) == expected
    # SIGINT without a handler of the engine's: asyncio cancels the source, whose finally revokes the token.
    errors = stop(process, signal.SIGINT)
    assert 'ModuleNotFoundError' not in errors
    assert len(sim.requests(path='/api/deauthorize')) == 1
    assert sim.world.live_token_count() == 0


def test_a_killed_source_leaves_only_a_token_that_expires_within_the_hour(sim, installed, bare_env, source_args):
    """ansible-rulebook ends on SIGTERM/SIGINT with status 143 before a source's finally runs; so does this."""
    env, cwd = bare_env
    process = start_source(installed, source_args, env, cwd)
    read_events(process, 1)
    stop(process, signal.SIGTERM)
    assert process.returncode == -signal.SIGTERM
    assert sim.requests(path='/api/deauthorize') == []
    # The source asked for an expiring token (never no_expire), so what a kill leaves behind dies on its own.
    [login] = sim.requests(path='/api/authorize')
    assert 'no_expire' not in (login['json'] or {})
    [expires] = list(sim.world.tokens.values())
    assert expires is not None and expires <= time.time() + TOKEN_LIFETIME + 5
    assert sim.world.live_token_count() == 1
    sim.advance_clock(TOKEN_LIFETIME + 1)
    assert sim.world.live_token_count() == 0


def test_outside_a_collections_path_the_source_says_how_to_install_it(tmp_path, bare_env):
    env, cwd = bare_env
    loose = tmp_path / 'events.py'
    shutil.copy(str(REPO / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'events.py'), str(loose))
    process = start_source(loose, {}, env, cwd)
    process.wait(30)
    errors = process.stderr.read()
    assert process.returncode != 0
    assert 'ansible-galaxy collection install' in errors and str(loose) in errors
