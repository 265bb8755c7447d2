"""scripts/lint_extensions.sh: the event sources' documentation as ansible-doc reads it."""

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
LINT = REPO / 'scripts' / 'lint_extensions.sh'
EVENTS = REPO / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'events.py'


def lint(directory):
    return subprocess.run(['bash', str(LINT), str(directory)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False, timeout=300)


def with_doc_change(tmp_path, old, new):
    text = EVENTS.read_text()
    assert old in text
    (tmp_path / 'events.py').write_text(text.replace(old, new, 1))
    return tmp_path


def test_the_events_source_documentation_passes(tmp_path):
    shutil.copy(str(EVENTS), str(tmp_path / 'events.py'))
    result = lint(tmp_path)
    assert result.returncode == 0, result.stdout
    assert 'ok: %s' % (tmp_path / 'events.py') in result.stdout


def test_a_description_yaml_reads_as_a_mapping_fails(tmp_path):
    # "C(Authorization: Bearer <token>)" unquoted in a list item: YAML makes it a mapping, ansible-doc still loads it.
    directory = with_doc_change(tmp_path, '    description: Seconds between polls; more than 0.\n',
                                '    description:\n      - Send C(Authorization: Bearer <token>) each poll.\n')
    result = lint(directory)
    assert result.returncode == 1
    assert 'events: options.interval: description is list, not a string or a list of strings' in result.stdout


def test_documentation_that_does_not_parse_fails(tmp_path):
    directory = with_doc_change(tmp_path, 'short_description: Poll', 'short_description: Poll: ')
    result = lint(directory)
    assert result.returncode == 1
    assert 'events: ansible-doc cannot load its documentation' in result.stdout


def test_examples_that_are_not_yaml_fail(tmp_path):
    directory = with_doc_change(tmp_path, "- name: Watch for failed deliveries\n", "- name: [Watch\n")
    result = lint(directory)
    assert result.returncode == 1
    assert 'events: EXAMPLES is not valid YAML' in result.stdout
