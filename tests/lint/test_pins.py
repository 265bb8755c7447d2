"""One version of each tool: the demo's small pin file agrees with requirements-dev.txt, which nox's sessions
and pre-commit's hooks use."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def pins(path):
    found = {}
    for line in path.read_text().splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            name, version = line.split('==')
            found[name.lower()] = version
    return found


def test_the_demo_pins_what_requirements_dev_pins():
    demo, dev = pins(REPO / 'demo' / 'requirements.txt'), pins(REPO / 'requirements-dev.txt')
    assert set(demo) == {'ansible-core', 'requests', 'uv'}
    assert {name: dev.get(name) for name in demo} == demo


def test_requirements_dev_pins_every_tool_exactly():
    dev = pins(REPO / 'requirements-dev.txt')
    for tool in ('ansible-core', 'ansible-lint', 'molecule', 'antsibull-docs', 'antsibull-changelog', 'ruff', 'nox',
                 'antsibull-nox', 'uv'):
        assert dev.get(tool), '%s is not pinned in requirements-dev.txt' % tool
