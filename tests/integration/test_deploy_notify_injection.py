"""turbosmtp.api.deploy_notify in a real ansible-playbook run: a line break in what ends up in the mail headers
(the subject, the sender, a recipient, or a value the default subject is built from) fails the play before
anything is sent."""

import pytest

from conftest import run_playbook

PLAYBOOK = '''
- name: Notify about a deployment
  hosts: localhost
  gather_facts: false
  roles:
    - role: turbosmtp.api.deploy_notify
      vars:
        turbosmtp_send_url: "{{ sim_url }}"
        turbosmtp_consumer_key: "{{ sim_consumer_key }}"
        turbosmtp_consumer_secret: "{{ sim_consumer_secret }}"
'''

VALID = {
    'turbosmtp_notify_from': 'Deploy Bot <deploy@example.com>',
    'turbosmtp_notify_to': ['ops@example.com'],
    'turbosmtp_notify_application': 'shop',
    'turbosmtp_notify_version': '1.4.2',
    'turbosmtp_notify_environment': 'production',
    'turbosmtp_notify_status': 'success',
}
INJECTED = '\r\nBcc: spy@evil.example'


@pytest.fixture
def notify(sim, tmp_path):
    playbook = tmp_path / 'notify.yml'
    playbook.write_text(PLAYBOOK)

    def run(**variables):
        return run_playbook(sim, playbook, extra_vars=dict(VALID, **variables))
    return run


def test_a_valid_notification_is_sent(notify, sim):
    result = notify()
    assert result.returncode == 0, result.stdout
    [message] = sim.messages()
    assert message['subject'] == '[success] shop 1.4.2 deployed to production'
    assert message['to'] == ['ops@example.com'] and message['bcc'] == []


@pytest.mark.parametrize('variables, field', [
    ({'turbosmtp_notify_subject': 'Deployed' + INJECTED}, 'subject'),
    ({'turbosmtp_notify_subject': 'Deployed\nBcc: spy@evil.example'}, 'subject'),
    ({'turbosmtp_notify_application': 'shop' + INJECTED}, 'subject'),
    ({'turbosmtp_notify_from': 'Deploy Bot%s <deploy@example.com>' % INJECTED}, 'from'),
    ({'turbosmtp_notify_from': 'deploy@example.com' + INJECTED}, 'from'),
    ({'turbosmtp_notify_to': ['ops@example.com', 'Oncall%s <oncall@example.com>' % INJECTED]}, 'to[1]'),
    ({'turbosmtp_notify_to': ['ops@example.com\n']}, 'to[0]'),
])
def test_a_line_break_in_a_header_fails_the_play_and_sends_nothing(notify, sim, variables, field):
    result = notify(**variables)
    assert result.returncode == 2, result.stdout
    assert '"msg": "%s: contains U+000' % field in result.stdout, result.stdout
    assert 'a mail header field must be one line without control characters' in result.stdout
    assert sim.requests() == [] and sim.messages() == []
