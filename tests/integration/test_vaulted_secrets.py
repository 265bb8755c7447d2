"""A password kept in Ansible Vault reaches the API decrypted, in-process and as a module alike, and
never shows in the output, -vvv included: the module gets its arguments through JSON, where a
vaulted value must arrive as its plain text, not as the vault's envelope."""

import subprocess

import pytest

from conftest import EMAIL, PASSWORD, run_playbook

VAULT_PASSWORD = 'correct horse battery staple'

PLAYBOOK = '''
- name: Read the account with a vaulted password
  hosts: localhost
  gather_facts: false
  vars_files:
    - vaulted.yml
  tasks:
    - name: Read the account
      turbosmtp.api.turbosmtp_account_info:
        email: "{{ sim_email }}"
        password: "{{ vaulted_password }}"
      register: account

    - name: Show what came back
      ansible.builtin.debug:
        msg: "account {{ account.account.email }}"
'''


@pytest.fixture
def vaulted_playbook(tmp_path):
    password_file = tmp_path / 'vault-password'
    password_file.write_text(VAULT_PASSWORD + '\n')
    encrypted = subprocess.run(['ansible-vault', 'encrypt_string', '--vault-password-file', str(password_file),
                                '--name', 'vaulted_password', PASSWORD],
                               capture_output=True, text=True, check=True).stdout
    assert PASSWORD not in encrypted
    (tmp_path / 'vaulted.yml').write_text(encrypted)
    assert '!vault' in (tmp_path / 'vaulted.yml').read_text()
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(PLAYBOOK)
    return playbook, password_file


@pytest.mark.parametrize('in_process, path_line', [
    ('1', 'turbosmtp.api.turbosmtp_account_info: running in-process'),
    ('0', 'turbosmtp.api.turbosmtp_account_info: running as a module: turned off by the environment variable'),
])
def test_a_vaulted_password_logs_in_and_stays_hidden(sim, vaulted_playbook, in_process, path_line):
    playbook, password_file = vaulted_playbook

    result = run_playbook(sim, playbook, '-vvv', '--vault-password-file', str(password_file),
                          extra_env={'TURBOSMTP_IN_PROCESS': in_process})

    assert result.returncode == 0, result.stdout[-5000:]
    assert path_line in result.stdout
    assert 'account %s' % EMAIL in result.stdout
    [login] = sim.requests('/api/authorize')
    assert login['json'] == {'email': EMAIL, 'password': PASSWORD}
    assert PASSWORD not in result.stdout
    assert '__ansible_vault' not in result.stdout
    assert sim.world.summary()['tokens'] == 0, 'the token the task asked for was not revoked'
