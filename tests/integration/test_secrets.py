"""No password, token or consumer secret appears anywhere in a -vvv run: not in the
output, not in results, not in error messages, whatever the auth mode and outcome."""

from pathlib import Path

from conftest import run_playbook
from simulator import CONSUMER_KEY, CONSUMER_SECRET, PASSWORD

PLAYBOOK = Path(__file__).parent / 'secrets' / 'every_module.yml'
WRONG_PASSWORD = 'wrong-password-4f1d'
WRONG_SECRET = 'wrong-secret-9c2e'


def issued_tokens(sim):
    """Every token the simulator handed out during the run, read from what it received."""
    tokens = set(sim.world.tokens)
    tokens.update(r['headers'].get('Authorization') for r in sim.requests() if r['headers'].get('Authorization'))
    return tokens


def test_no_secret_appears_in_verbose_output(sim):
    result = run_playbook(sim, PLAYBOOK, '-vvv', extra_vars={'wrong_password': WRONG_PASSWORD, 'wrong_secret': WRONG_SECRET})
    assert result.returncode == 0, 'the playbook failed (output withheld: it may hold secrets)'
    tokens = issued_tokens(sim)
    assert len(tokens) >= 3, 'the run should have used a created token and two temporary ones'
    secrets = {'password': PASSWORD, 'consumer secret': CONSUMER_SECRET, 'consumer key': CONSUMER_KEY,
               'wrong password': WRONG_PASSWORD, 'wrong secret': WRONG_SECRET}
    secrets.update(('token %d' % index, token) for index, token in enumerate(sorted(tokens)))
    leaked = sorted(name for name, value in secrets.items() if value in result.stdout)
    assert leaked == [], 'secrets in -vvv output: %s' % ', '.join(leaked)
    assert len(sim.messages()) == 2


URL_PASSWORD = 'url-secret-7d3a'


def test_a_url_holding_a_password_is_refused_before_either_path_and_never_shown(sim, tmp_path):
    """As a module too: an unknown option would make AnsibleModule fail, with its invocation, before
    the module could mark the URL's password as a secret; the action refuses the URL first."""
    playbook = tmp_path / 'url_password.yml'
    playbook.write_text('''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: A URL with a password, and an option the module does not know
      turbosmtp.api.turbosmtp_account_info:
        dashboard_url: "http://ops:%s@{{ sim_url | urlsplit('netloc') }}"
        api_token: some-token
        no_such_option: true
      vars:
        turbosmtp_in_process: "{{ in_process }}"
''' % URL_PASSWORD)
    for in_process in ('true', 'false'):
        result = run_playbook(sim, playbook, '-vvv', extra_vars={'in_process': in_process})
        assert result.returncode == 2, result.stdout[-2000:].replace(URL_PASSWORD, '<password>')
        assert URL_PASSWORD not in result.stdout, 'the password in the URL was shown (in_process=%s)' % in_process
        assert 'dashboard_url must not hold user information' in result.stdout
    assert sim.requests() == [], 'nothing may reach the API'
