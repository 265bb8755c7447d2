# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's version, for the user agent.

galaxy.yml is not shipped with a module to the host that runs it, so the version is kept here too;
tests/unit/plugins/module_utils/test_version.py fails when the two differ.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

COLLECTION_VERSION = '1.1.0'
