"""The EDA event sources' documentation, as ansible-doc reads it (ansible-test sanity does not look at extensions/).

Every source must load with ``ansible-doc -M extensions/eda/plugins/event_source --json <name>``; every
description (the plugin's, its options', their suboptions') must be a string or a list of strings, and
EXAMPLES must be YAML. The last tests show that the check catches each kind of mistake.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / 'extensions' / 'eda' / 'plugins' / 'event_source'
EVENTS = SOURCES / 'events.py'


def ansible_doc_executable():
    beside = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')
    return beside if os.path.exists(beside) else 'ansible-doc'


def description_problem(where, value):
    if isinstance(value, str):
        return []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return []
    return ['%s: description is %s, not a string or a list of strings: %r' % (where, type(value).__name__, value)]


def option_problems(where, options):
    if not isinstance(options, dict):
        return ['%s is not a mapping' % where]
    problems = []
    for option, spec in options.items():
        place = '%s.%s' % (where, option)
        if not isinstance(spec, dict):
            problems.append('%s is not a mapping' % place)
            continue
        if 'description' not in spec:
            problems.append('%s has no description' % place)
        else:
            problems.extend(description_problem(place, spec['description']))
        if 'suboptions' in spec:
            problems.extend(option_problems(place + '.suboptions', spec['suboptions']))
    return problems


def documentation_problems(directory, name):
    """What is wrong with the documentation of event source `name` in `directory`, as ansible-doc reads it."""
    done = subprocess.run([ansible_doc_executable(), '-M', str(directory), '--json', name], capture_output=True, text=True,
                          timeout=300, check=False)
    if done.returncode:
        return ['%s: ansible-doc cannot load its documentation: %s' % (name, done.stderr.strip())]
    try:
        loaded = json.loads(done.stdout)[name]
        doc = loaded['doc']
    except (ValueError, KeyError, TypeError) as error:
        return ['%s: ansible-doc returned no documentation (%s)' % (name, error)]
    problems = []
    if not isinstance(doc.get('short_description'), str):
        problems.append('short_description is not a string')
    problems.extend(description_problem('description', doc.get('description')))
    problems.extend(option_problems('options', doc.get('options') or {}))
    if not loaded.get('examples'):
        problems.append('EXAMPLES is empty')
    else:
        try:
            yaml.safe_load(loaded['examples'])
        except yaml.YAMLError as error:
            problems.append('EXAMPLES is not valid YAML: %s' % ' '.join(str(error).split()))
    return ['%s: %s' % (name, problem) if not problem.startswith(name + ':') else problem for problem in problems]


@pytest.mark.parametrize('source', sorted(path.stem for path in SOURCES.glob('*.py') if not path.stem.startswith('_')))
def test_every_event_source_is_documented(source):
    assert documentation_problems(SOURCES, source) == []


def with_doc_change(tmp_path, old, new):
    text = EVENTS.read_text()
    assert old in text
    (tmp_path / 'events.py').write_text(text.replace(old, new, 1))
    return tmp_path


def test_the_check_passes_a_copy_of_the_events_source(tmp_path):
    shutil.copy(str(EVENTS), str(tmp_path / 'events.py'))
    assert documentation_problems(tmp_path, 'events') == []


def test_a_description_yaml_reads_as_a_mapping_fails(tmp_path):
    # "C(Authorization: Bearer <token>)" unquoted in a list item: YAML makes it a mapping, ansible-doc still loads it.
    directory = with_doc_change(tmp_path, '    description: Seconds between polls; more than 0.\n',
                                '    description:\n      - Send C(Authorization: Bearer <token>) each poll.\n')
    problems = documentation_problems(directory, 'events')
    assert 'events: options.interval: description is list, not a string or a list of strings' in ' '.join(problems)


def test_documentation_that_does_not_parse_fails(tmp_path):
    directory = with_doc_change(tmp_path, 'short_description: Poll', 'short_description: Poll: ')
    problems = documentation_problems(directory, 'events')
    assert len(problems) == 1 and problems[0].startswith('events: ansible-doc cannot load its documentation')


def test_examples_that_are_not_yaml_fail(tmp_path):
    directory = with_doc_change(tmp_path, '- name: Watch for failed deliveries\n', '- name: [Watch\n')
    assert [problem for problem in documentation_problems(directory, 'events') if 'EXAMPLES is not valid YAML' in problem]
