"""turbosmtp.api.webhook: its documentation loads in ansible-doc, says what the code does, and the source loads
the way ansible-rulebook loads it - a file run on its own, with only aiohttp and the standard library."""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import yaml

from ansible_collections.turbosmtp.api.extensions.eda.plugins.event_source import webhook

SOURCE_DIR = Path(webhook.__file__).resolve().parent
BOUND = 120


def documentation():
    return yaml.safe_load(webhook.DOCUMENTATION)


def descriptions(options, where='options'):
    for name, spec in options.items():
        yield '%s.%s' % (where, name), spec.get('description')
        yield from descriptions(spec.get('suboptions') or {}, '%s.%s' % (where, name))


def is_text(description):
    return isinstance(description, str) or (
        isinstance(description, list) and bool(description) and all(isinstance(line, str) for line in description))


def test_every_description_is_text():
    doc = documentation()
    found = [('description', doc['description'])] + list(descriptions(doc['options']))
    assert [where for where, description in found if not is_text(description)] == []


def test_requirements_name_aiohttp():
    assert 'aiohttp' in documentation()['requirements']


def test_documented_defaults_are_the_defaults_the_source_uses():
    options = documentation()['options']
    assert options['read_timeout']['default'] == webhook.DEFAULT_READ_TIMEOUT == 15
    assert options['max_events']['default'] == webhook.DEFAULT_MAX_EVENTS == 1000
    assert options['max_pending']['default'] == webhook.DEFAULT_MAX_PENDING == 10000
    assert options['max_body_bytes']['default'] == webhook.DEFAULT_MAX_BODY_BYTES
    assert options['host']['default'] == webhook.DEFAULT_HOST
    _port, limits = webhook.read_settings({'port': 5000})
    assert (limits.read_timeout, limits.max_events, limits.max_pending) == (15, 1000, 10000)


def test_examples_are_a_rulebook_using_only_documented_options():
    [play] = yaml.safe_load(webhook.EXAMPLES)
    [source] = play['sources']
    args = source['turbosmtp.api.webhook']
    assert set(args) <= set(documentation()['options'])
    webhook.read_settings(args)


def test_ansible_doc_loads_the_documentation():
    env = dict(os.environ, ANSIBLE_NOCOLOR='1')
    # The ansible-doc beside this interpreter: under ansible-test the `ansible` package is not runnable with -m.
    ansible_doc = shutil.which('ansible-doc', path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')]))
    done = subprocess.run([ansible_doc, '-M', str(SOURCE_DIR), '--json', 'webhook'],
                          capture_output=True, text=True, timeout=BOUND, env=env, check=False)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)['webhook']['doc']
    assert doc['requirements'] == ['aiohttp']
    assert {'read_timeout', 'max_events', 'max_pending'} <= set(doc['options'])
    assert is_text(doc['options']['token']['description'])
    assert any('Authorization: Bearer <token>' in line for line in doc['options']['token']['description'])


LOAD_ALONE = r'''
import asyncio, json, runpy, sys

module = runpy.run_path(sys.argv[1])
loaded = sorted(name for name in sys.modules if name.startswith('ansible'))

async def call(port):
    queue = asyncio.Queue()
    task = asyncio.create_task(module['main'](queue, {'host': '127.0.0.1', 'port': port}))
    for _attempt in range(200):
        try:
            reader, writer = await asyncio.open_connection('127.0.0.1', port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    body = b'{"status": "bounced", "mid": 1}'
    writer.write(b'POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
    answer = (await reader.read()).split(b'\r\n', 1)[0].decode()
    task.cancel()
    return answer, queue.get_nowait()['status']

print(json.dumps({'loaded': loaded, 'answer': asyncio.run(call(int(sys.argv[2])))}))
'''


def test_the_source_runs_as_a_lone_file_without_the_collection_on_the_python_path(tmp_path):
    # ansible-rulebook runs the file with runpy, with no ansible_collections package importable.
    lone = tmp_path / 'webhook.py'
    shutil.copy(str(SOURCE_DIR / 'webhook.py'), str(lone))
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    env = {name: value for name, value in os.environ.items() if name not in ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH')}
    # -I: isolated mode, so neither PYTHONPATH nor the working directory can supply the collection.
    done = subprocess.run([sys.executable, '-I', '-c', LOAD_ALONE, str(lone), str(port)],
                          capture_output=True, text=True, timeout=BOUND, env=env, cwd=str(tmp_path), check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result['loaded'] == []
    assert result['answer'] == ['HTTP/1.1 200 OK', 'BOUNCED']
