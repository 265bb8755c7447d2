# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reads attachment files on the controller (like copy's src), then runs the module with
their content, so the managed host never needs the files; in-process when the module would run
on the controller's own Python anyway (plugin_utils.in_process, as every turboSMTP module)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os
import traceback

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.turbosmtp.api.plugins.module_utils.message import (
    MAX_FILE_BYTES,
    check_regular_file,
    read_regular_file,
)
from ansible_collections.turbosmtp.api.plugins.plugin_utils.in_process import TurboSMTPAction

# A vault file holds its content hex encoded, with a header and line breaks: a little over twice the size.
MAX_VAULT_FILE_BYTES = MAX_FILE_BYTES * 2 + 64 * 1024


class ActionModule(TurboSMTPAction):

    def module_args(self, result, task_vars):
        args = dict(self._task.args)
        if boolean(args.get('remote_src', False), strict=False):
            return args
        try:
            args = self._read_attachments('', args)
            if isinstance(args.get('messages'), list):
                args['messages'] = [self._read_attachments('messages[%d].' % index, item)
                                    for index, item in enumerate(args['messages'])]
        except AnsibleError as error:
            result.update(failed=True, msg=to_text(error.message))
        except Exception as error:
            # A bug of ours must still end the task with one clear msg, never a bare traceback.
            result.update(failed=True, exception=traceback.format_exc(),
                          msg='turbosmtp_send could not read the attachments on the controller: %s: %s'
                              % (type(error).__name__, to_text(error)))
        return args

    def _read_attachments(self, label, message):
        """The message with each controller `path` of its attachments replaced by the file's base64 `content`."""
        if not isinstance(message, dict) or not isinstance(message.get('attachments'), list):
            return message
        attachments = [self._read_attachment('%sattachments[%d]' % (label, index), item)
                       if isinstance(item, dict) and item.get('path') else item
                       for index, item in enumerate(message['attachments'])]
        return dict(message, attachments=attachments)

    def _read_attachment(self, label, attachment):
        if attachment.get('content') is not None:
            # Both set is refused by the module too, but only once the file has replaced the path here.
            raise AnsibleError('%s: set either path or content, not both' % label)
        path = to_text(attachment['path'])
        source = None
        try:
            found = self._find_needle('files', path)
            # Before the loader opens it: a FIFO or a device under files/ must fail, not block or never end.
            check_regular_file(os.stat(found), max_bytes=MAX_VAULT_FILE_BYTES)
            source = self._loader.get_real_file(found, decrypt=True)
            content = base64.b64encode(read_regular_file(source)).decode('ascii')
        except (AnsibleError, OSError, ValueError) as error:
            if isinstance(error, AnsibleError):
                reason = error.message  # type: object
            elif isinstance(error, (IOError, OSError)):
                reason = error.strerror or error
            else:
                reason = error
            raise AnsibleError('%s.path: cannot read %s on the controller: %s' % (label, path, to_text(reason))) from None
        finally:
            if source is not None:
                self._loader.cleanup_tmp_file(source)
        read = dict((key, value) for key, value in attachment.items() if key != 'path')
        read.update(content=content, name=attachment.get('name') or os.path.basename(path))
        return read
