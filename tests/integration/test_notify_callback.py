"""turbosmtp.api.notify: real ansible-playbook runs with the callback enabled, and the mail that reached the simulator."""

import socket
from pathlib import Path

from conftest import run_playbook
from simulator import CONSUMER_KEY, CONSUMER_SECRET

PLAYBOOKS = Path(__file__).resolve().parent / 'notify_playbooks'
SECRET = 's3cr3t-n0-log-value'


def flat(output):
    """The output with its line breaks folded: ansible-core before 2.19 wraps warnings at 79 columns."""
    return ' '.join(output.split())


def notify_env(sim, **overrides):
    env = {
        'ANSIBLE_CALLBACKS_ENABLED': 'turbosmtp.api.notify',
        'TURBOSMTP_NOTIFY_TO': 'ops@example.com, oncall@example.org',
        'TURBOSMTP_NOTIFY_FROM': 'Ansible <ansible@example.com>',
        'TURBOSMTP_CONSUMER_KEY': CONSUMER_KEY,
        'TURBOSMTP_CONSUMER_SECRET': CONSUMER_SECRET,
        'TURBOSMTP_SEND_URL': sim.url,
    }
    env.update(overrides)
    return env


def run(sim, name, *args, **overrides):
    return run_playbook(sim, PLAYBOOKS / name, *args, extra_env=notify_env(sim, **overrides))


def mail_text(message):
    return '\n'.join(str(message.get(field)) for field in ('subject', 'content', 'html_content'))


def test_passing_run_sends_a_summary(sim):
    result = run(sim, 'passing.yml', TURBOSMTP_NOTIFY_JOB_URL='https://ci.example.com/jobs/42?tab=log&x=<y>')
    assert result.returncode == 0, result.stdout
    [message] = sim.messages()
    assert message['auth'] == 'consumer_key'
    assert message['to'] == ['ops@example.com', 'oncall@example.org']
    assert message['body']['to'] == 'ops@example.com, oncall@example.org'
    assert message['from'] == 'Ansible <ansible@example.com>'
    assert message['subject'] == 'Ansible passing.yml: succeeded (0 failed, 0 unreachable, 0 changed)'
    assert 'localhost: ok=1, changed=0, failed=0, unreachable=0, skipped=0' in message['content']
    assert 'Failed tasks' not in message['content']
    assert 'Job: https://ci.example.com/jobs/42?tab=log&x=<y>' in message['content']
    assert 'href="https://ci.example.com/jobs/42?tab=log&amp;x=&lt;y&gt;"' in message['html_content']
    assert '<td>localhost</td><td>1</td><td>0</td>' in message['html_content']


def test_failing_run_lists_hosts_and_failed_tasks_without_secrets(sim):
    result = run(sim, 'failing.yml')
    assert result.returncode == 2, result.stdout
    [message] = sim.messages()
    assert message['subject'] == 'Ansible failing.yml: failed (2 failed, 0 unreachable, 3 changed)'
    content = message['content']
    assert 'web1: ok=2, changed=1, failed=1' in content
    assert 'web2: ok=2, changed=1, failed=1' in content
    assert 'web1 | Deploy <the> app & check: Deploy step broke on web1: disk <full>' in content
    assert "web2 | Use the secret: the output has been hidden due to the fact that 'no_log: true'" in content
    html = message['html_content']
    assert '<td>Deploy &lt;the&gt; app &amp; check</td>' in html
    assert 'disk &lt;full&gt;' in html and '<full>' not in html
    # (ansible-core 2.19's own default output shows the failed no_log task's error text; the mail must not.)
    assert SECRET not in str(message)


def test_subject_template_and_on_change(sim):
    result = run(sim, 'passing.yml', TURBOSMTP_NOTIFY_ON='change')
    assert result.returncode == 0, result.stdout
    assert sim.messages() == []
    result = run(sim, 'changing.yml', TURBOSMTP_NOTIFY_ON='change',
                 TURBOSMTP_NOTIFY_SUBJECT='[deploy] {playbook} {status} on {hosts} host(s), {changed} changed')
    assert result.returncode == 0, result.stdout
    [message] = sim.messages()
    assert message['subject'] == '[deploy] changing.yml succeeded on 1 host(s), 1 changed'
    assert 'localhost: ok=1, changed=1' in message['content']


def test_on_failure_sends_nothing_for_a_passing_run(sim):
    result = run(sim, 'changing.yml', TURBOSMTP_NOTIFY_ON='failure')
    assert result.returncode == 0, result.stdout
    assert sim.messages() == []
    assert sim.requests(path='/api/v2/mail/send') == []
    result = run(sim, 'failing.yml', TURBOSMTP_NOTIFY_ON='failure')
    assert result.returncode == 2
    assert len(sim.messages()) == 1


def test_legacy_credentials(sim):
    from simulator import EMAIL, PASSWORD
    result = run(sim, 'passing.yml', TURBOSMTP_CONSUMER_KEY='', TURBOSMTP_CONSUMER_SECRET='',
                 TURBOSMTP_EMAIL=EMAIL, TURBOSMTP_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stdout
    [message] = sim.messages()
    assert message['auth'] == 'legacy'
    assert PASSWORD not in mail_text(message)


def test_unreachable_send_host_only_warns(sim):
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        closed_port = probe.getsockname()[1]
    result = run(sim, 'passing.yml', TURBOSMTP_SEND_URL='http://127.0.0.1:%d' % closed_port)
    assert result.returncode == 0, result.stdout
    assert '[WARNING]: turbosmtp.api.notify: could not send the run summary' in flat(result.stdout)
    assert 'connection failed' in flat(result.stdout)
    assert 'Traceback' not in flat(result.stdout)
    assert sim.messages() == []


def test_bad_settings_only_warn(sim):
    result = run(sim, 'passing.yml', TURBOSMTP_NOTIFY_TO='', TURBOSMTP_NOTIFY_SUBJECT='{nope}')
    assert result.returncode == 0, result.stdout
    assert 'set the recipients' in flat(result.stdout)
    result = run(sim, 'passing.yml', TURBOSMTP_NOTIFY_ON='sometimes')
    assert result.returncode == 0, result.stdout
    assert 'turbosmtp.api.notify' in flat(result.stdout) and 'sometimes' in flat(result.stdout)
    result = run(sim, 'passing.yml', TURBOSMTP_CONSUMER_SECRET='wrong-secret')
    assert result.returncode == 0, result.stdout
    assert 'HTTP 401' in flat(result.stdout) and 'wrong-secret' not in flat(result.stdout)
    assert sim.messages() == []


def playbook_named(tmp_path, name):
    """passing.yml under another file name (the playbook name goes into the default subject)."""
    playbook = tmp_path / name
    playbook.write_text((PLAYBOOKS / 'passing.yml').read_text())
    return playbook


INJECTED = 'Bcc: attacker@example.net'


def test_a_playbook_name_with_a_line_break_sends_nothing_and_warns(sim, tmp_path):
    for separator in ('\r\n', '\u2028', '\x85'):
        playbook = playbook_named(tmp_path, 'site%s%s.yml' % (separator, INJECTED))
        result = run_playbook(sim, playbook, extra_env=notify_env(sim))
        assert result.returncode == 0, result.stdout
        assert 'turbosmtp.api.notify: could not send the run summary: the subject formatted from the run' in flat(result.stdout)
        assert 'U+%04X' % ord(separator[0]) in flat(result.stdout)
        assert 'Traceback' not in flat(result.stdout)
    assert sim.requests(path='/api/v2/mail/send') == []
    # The same run under a plain name is mailed.
    result = run_playbook(sim, playbook_named(tmp_path, 'site.yml'), extra_env=notify_env(sim))
    assert result.returncode == 0, result.stdout
    [message] = sim.messages()
    assert message['subject'].startswith('Ansible site.yml: succeeded')


def test_control_characters_in_the_header_settings_send_nothing_and_warn(sim):
    cases = [
        ({'TURBOSMTP_NOTIFY_FROM': 'Ansible <ansible@example.com>\r\n' + INJECTED}, 'the sender (TURBOSMTP_NOTIFY_FROM', 'U+000D'),
        ({'TURBOSMTP_NOTIFY_TO': 'ops@example.com, oncall@example.org\n' + INJECTED}, 'a recipient (TURBOSMTP_NOTIFY_TO', 'U+000A'),
        ({'TURBOSMTP_NOTIFY_SUBJECT': 'Run {status}\u2029' + INJECTED}, 'the subject setting (TURBOSMTP_NOTIFY_SUBJECT', 'U+2029'),
        ({'TURBOSMTP_NOTIFY_SUBJECT': 'Run {status}\t' + INJECTED}, 'the subject setting (TURBOSMTP_NOTIFY_SUBJECT', 'U+0009'),
    ]
    for overrides, setting, code in cases:
        result = run(sim, 'passing.yml', **overrides)
        assert result.returncode == 0, result.stdout
        assert '[WARNING]: turbosmtp.api.notify: could not send the run summary: %s' % setting in flat(result.stdout)
        assert code in result.stdout and 'the mail was not sent' in flat(result.stdout)
        assert 'Traceback' not in flat(result.stdout)
    assert sim.requests(path='/api/v2/mail/send') == []


def test_an_unexpected_answer_of_the_send_host_only_warns(sim):
    for body in (['OK'], {'message': 'OK'}, 'accepted'):
        sim.add_fault('body', path='/api/v2/mail/send', body=body)
        result = run(sim, 'passing.yml')
        assert result.returncode == 0, result.stdout
        assert '[WARNING]: turbosmtp.api.notify: could not send the run summary: turboSMTP' in flat(result.stdout)
        assert 'Traceback' not in flat(result.stdout)
    assert len(sim.requests(path='/api/v2/mail/send')) == 3


def test_secrets_the_send_api_repeats_are_masked_in_the_warning(sim):
    from urllib.parse import quote_plus

    from simulator import EMAIL, PASSWORD
    # A 400 that repeats the request's own values, as the send API may: the headers, or the legacy fields (also URL-encoded).
    echo = 'invalid request: consumerKey=%s consumerSecret=%s' % (CONSUMER_KEY, CONSUMER_SECRET)
    sim.add_fault('body', status=400, path='/api/v2/mail/send', body={'message': 'error', 'errors': [echo]})
    result = run(sim, 'passing.yml', '-vvv')
    assert result.returncode == 0, result.stdout
    output = flat(result.stdout)
    assert 'could not send the run summary' in output and 'HTTP 400' in output
    assert 'invalid request: consumerKey=******** consumerSecret=********' in output
    assert CONSUMER_SECRET not in result.stdout and CONSUMER_KEY not in result.stdout

    echo = 'invalid request: authuser=%s authpass=%s (form: authpass=%s)' % (EMAIL, PASSWORD, quote_plus(PASSWORD))
    sim.add_fault('body', status=400, path='/api/v2/mail/send', body={'message': 'error', 'errors': [echo]})
    legacy = run(sim, 'passing.yml', '-vvv', TURBOSMTP_CONSUMER_KEY='', TURBOSMTP_CONSUMER_SECRET='',
                 TURBOSMTP_EMAIL=EMAIL, TURBOSMTP_PASSWORD=PASSWORD)
    assert legacy.returncode == 0, legacy.stdout
    output = flat(legacy.stdout)
    assert 'authuser=%s authpass=******** (form: authpass=********)' % EMAIL in output
    assert PASSWORD not in legacy.stdout and quote_plus(PASSWORD) not in legacy.stdout
    assert sim.messages() == []


def test_a_send_url_with_user_information_sends_nothing_and_is_not_shown(sim):
    url = sim.url.replace('://', '://relay:url-s3cret@')
    result = run(sim, 'passing.yml', '-vvv', TURBOSMTP_SEND_URL=url)
    assert result.returncode == 0, result.stdout
    output = flat(result.stdout)
    assert 'could not send the run summary: send_url must not hold user information' in output
    assert 'url-s3cret' not in result.stdout
    assert sim.requests() == []
