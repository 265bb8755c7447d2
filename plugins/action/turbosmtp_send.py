# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reads attachment files on the controller (like copy's src), then runs the module with
their content, so the managed host never needs the files."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.turbosmtp.api.plugins.module_utils.message import MAX_MESSAGE_BYTES

MODULE = 'turbosmtp.api.turbosmtp_send'


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        if not boolean(args.get('remote_src', False), strict=False):
            try:
                args = self._read_attachments('', args)
                if isinstance(args.get('messages'), list):
                    args['messages'] = [self._read_attachments('messages[%d].' % index, item)
                                        for index, item in enumerate(args['messages'])]
            except AnsibleError as error:
                result.update(failed=True, msg=to_text(error.message))
                return result
        result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars))
        return result

    def _read_attachments(self, label, message):
        """The message with each controller `path` of its attachments replaced by the file's base64 `content`."""
        if not isinstance(message, dict) or not isinstance(message.get('attachments'), list):
            return message
        attachments = [self._read_attachment('%sattachments[%d]' % (label, index), item)
                       if isinstance(item, dict) and item.get('path') else item
                       for index, item in enumerate(message['attachments'])]
        return dict(message, attachments=attachments)

    def _read_attachment(self, label, attachment):
        path = to_text(attachment['path'])
        source = None
        try:
            source = self._loader.get_real_file(self._find_needle('files', path), decrypt=True)
            if os.path.getsize(source) * 4 // 3 >= MAX_MESSAGE_BYTES:
                raise AnsibleError('file too large for a message under 24 MB once base64 encoded')
            with open(source, 'rb') as handle:
                content = base64.b64encode(handle.read()).decode('ascii')
        except (AnsibleError, IOError, OSError) as error:
            reason = error.message if isinstance(error, AnsibleError) else error
            raise AnsibleError('%s.path: cannot read %s on the controller: %s' % (label, path, to_text(reason)))
        finally:
            if source is not None:
                self._loader.cleanup_tmp_file(source)
        read = dict((key, value) for key, value in attachment.items() if key != 'path')
        read.update(content=content, name=attachment.get('name') or os.path.basename(path))
        return read
