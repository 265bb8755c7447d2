"""The filters' messages for a value of the wrong kind, as ansible-playbook shows them: ansible-core 2.19+ hands
filters its own lazy dict and list classes, whose names must not reach the playbook's author."""

from conftest import run_playbook

PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  vars:
    week: {emails: []}
  tasks:
    - name: A registered result instead of its rows
      ansible.builtin.debug:
        msg: "{{ week | turbosmtp.api.stats_summary }}"
      ignore_errors: true
    - name: A string instead of rows
      ansible.builtin.debug:
        msg: "{{ 'rows' | turbosmtp.api.readable_rows }}"
      ignore_errors: true
    - name: A dict instead of rows
      ansible.builtin.debug:
        msg: "{{ week | turbosmtp.api.readable_rows }}"
      ignore_errors: true
'''


def test_a_value_of_the_wrong_kind_is_named_as_a_playbook_names_it(sim, tmp_path):
    playbook = tmp_path / 'filters.yml'
    playbook.write_text(PLAYBOOK)
    result = run_playbook(sim, playbook)
    assert result.returncode == 0, result.stdout[-4000:]
    assert 'stats_summary: expected the list of rows (the emails of turbosmtp_stats_info), got a dict' in result.stdout
    assert 'readable_rows: expected a list of rows, got a string' in result.stdout
    assert 'readable_rows: expected a list of rows, got a dict' in result.stdout
    assert 'Lazy' not in result.stdout and 'Tagged' not in result.stdout
