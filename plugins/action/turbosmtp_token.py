# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs turbosmtp_token inside the controller's worker when the task runs on the controller's own
Python, as an ordinary module otherwise (plugin_utils.in_process)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_token import Token
from ansible_collections.turbosmtp.api.plugins.plugin_utils.in_process import TurboSMTPAction


class ActionModule(TurboSMTPAction):

    module_class = Token
    module_name = 'turbosmtp.api.turbosmtp_token'
