"""turbosmtp_send reading attachments on the controller (its action plugin), in real ansible-playbook runs:
anything but a regular file under files/ fails at once, before any read, and an attachment cannot be given
both as a path and as content."""

import os
import time

import pytest

from conftest import run_playbook

PLAYBOOK = '''
- name: Send with a controller attachment
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Send
      turbosmtp.api.turbosmtp_send:
        send_url: "{{ sim_url }}"
        consumer_key: "{{ sim_consumer_key }}"
        consumer_secret: "{{ sim_consumer_secret }}"
        from: Deploy Bot <deploy@example.com>
        to: [alice@example.com]
        subject: Attached
        content: See attached.
        attachments: "{{ attachments }}"
'''


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / 'files').mkdir()
    (tmp_path / 'files' / 'notes.txt').write_bytes(b'release notes\n')
    (tmp_path / 'send.yml').write_text(PLAYBOOK)
    return tmp_path


def send(sim, workdir, attachments):
    return run_playbook(sim, workdir / 'send.yml', extra_vars={'attachments': attachments})


def test_a_fifo_under_files_fails_at_once_and_nothing_is_sent(sim, workdir, fifo):
    fifo(workdir / 'files' / 'pipe.txt', release_after=20)
    started = time.monotonic()
    result = send(sim, workdir, [{'path': 'pipe.txt'}])
    elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stdout
    assert ('attachments[0].path: cannot read pipe.txt on the controller: it is a FIFO (named pipe), '
            'not a regular file; only regular files can be attached') in result.stdout, result.stdout
    assert elapsed < 20, 'the run took %.0fs' % elapsed
    assert sim.requests() == [] and sim.messages() == []


@pytest.mark.parametrize('name, kind', [('null.txt', 'a character device'), ('folder', 'a directory')])
def test_a_device_or_directory_under_files_is_refused(sim, workdir, name, kind):
    if name == 'folder':
        (workdir / 'files' / name).mkdir()
    else:
        os.symlink('/dev/null', str(workdir / 'files' / name))
    result = send(sim, workdir, [{'path': 'notes.txt'}, {'path': name}])
    assert result.returncode == 2, result.stdout
    assert ('attachments[1].path: cannot read %s on the controller: it is %s, not a regular file' % (name, kind)
            in result.stdout), result.stdout
    assert sim.requests() == [] and sim.messages() == []


def test_path_and_content_together_are_refused_on_the_controller(sim, workdir):
    result = send(sim, workdir, [{'path': 'notes.txt', 'content': 'aW5saW5l', 'name': 'inline.txt'}])
    assert result.returncode == 2, result.stdout
    assert '"msg": "attachments[0]: set either path or content, not both"' in result.stdout, result.stdout
    assert sim.requests() == [] and sim.messages() == []


def test_a_regular_file_under_files_is_attached(sim, workdir):
    result = send(sim, workdir, [{'path': 'notes.txt'}])
    assert result.returncode == 0, result.stdout
    [message] = sim.messages()
    [attachment] = message['attachments']
    assert attachment['name'] == 'notes.txt' and attachment['type'] == 'text/plain'
    assert attachment['content'] == 'cmVsZWFzZSBub3Rlcwo='
