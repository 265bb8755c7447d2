# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs turbosmtp_token inside the controller's worker when that gives the module's own result, as an
ordinary module otherwise. Every turboSMTP module has this same action (plugin_utils.in_process)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.turbosmtp.api.plugins.plugin_utils.in_process import TurboSMTPAction


class ActionModule(TurboSMTPAction):
    """TurboSMTPAction finds the module from the task's action; a class per file keeps ansible-core's per-plugin attributes apart."""
