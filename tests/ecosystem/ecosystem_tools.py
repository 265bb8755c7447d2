# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paths and process helpers shared by the ecosystem tests (see conftest.py)."""

import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ECO_VENV = os.environ.get('TURBOSMTP_ECOSYSTEM_VENV') or os.path.join(REPO, '.venv-ecosystem')
ECO_BIN = os.path.join(ECO_VENV, 'bin')
# The project's own .venv (pytest, antsibull-docs); never on the tools' PATH.
PROJECT_BIN = os.path.dirname(sys.executable)
# Variables of this checkout's environment (scripts/env.sh) that would let a tool find the collection
# or its Python code without the installed tarball.
CHECKOUT_VARIABLES = ('PYTHONPATH', 'ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS',
                      'ANSIBLE_PYTHON_INTERPRETER', 'VIRTUAL_ENV')
BUILD_TIMEOUT = 180


def tool_env(collections_path=None, extra_path=()):
    """os.environ without the checkout's variables, the ecosystem venv first on PATH."""
    env = dict((k, v) for k, v in os.environ.items() if k not in CHECKOUT_VARIABLES)
    path = [p for p in env.get('PATH', '').split(os.pathsep)
            if p and os.path.abspath(p) not in (os.path.abspath(PROJECT_BIN), os.path.abspath(ECO_BIN))]
    env['PATH'] = os.pathsep.join([ECO_BIN] + list(extra_path) + path)
    env['ANSIBLE_NOCOLOR'] = '1'
    env['ANSIBLE_FORCE_COLOR'] = '0'
    if collections_path:
        env['ANSIBLE_COLLECTIONS_PATH'] = collections_path
    return env


def run(args, timeout, env=None, cwd=None):
    """Run a command to completion; its CompletedProcess (text, stderr merged into stdout)."""
    return subprocess.run(args, env=env or tool_env(), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout, check=False)


def check(result, what):
    assert result.returncode == 0, '%s failed (exit %s):\n%s' % (what, result.returncode, result.stdout[-6000:])
    return result
