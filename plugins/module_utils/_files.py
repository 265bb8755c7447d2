# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Files the collection writes (CSV exports): whole or not at all, private unless the task says otherwise,
and a file replaced keeps its owner, group and mode, as Ansible's own file modules do."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import stat
import tempfile
from contextlib import contextmanager

from ansible.module_utils.basic import AnsibleModule

# What a regular file created 0600 looks like, to check a symbolic mode before any file exists.
_NEW_FILE_STAT = os.stat_result((stat.S_IFREG | 0o600, 0, 0, 1, 0, 0, 0, 0, 0, 0))


class FileAttributes:
    """The mode, owner and group a task asks for (None: as Ansible's file options, left as they are)."""

    def __init__(self, mode=None, owner=None, group=None):
        self.mode = _checked_mode(mode)
        self.uid = _user_id(owner)
        self.gid = _group_id(group)

    def apply(self, path):
        if self.mode is not None:
            mode = self.mode if isinstance(self.mode, int) else AnsibleModule._symbolic_mode_to_octal(os.stat(path), self.mode)
            os.chmod(path, mode)
        if self.uid is not None or self.gid is not None:
            os.chown(path, -1 if self.uid is None else self.uid, -1 if self.gid is None else self.gid)


def _checked_mode(mode):
    """An int mode, or a symbolic one (u+rw) checked now; ValueError naming the option when it is neither."""
    if mode is None:
        return None
    if isinstance(mode, int) and not isinstance(mode, bool):
        number = mode
    else:
        try:
            number = int(str(mode), 8)
        except ValueError:
            try:
                AnsibleModule._symbolic_mode_to_octal(_NEW_FILE_STAT, str(mode))
            except Exception:
                raise ValueError('mode must be in octal (0640) or symbolic (u=rw,g=r) form, got %r' % (mode,)) from None
            return str(mode)
    if number != stat.S_IMODE(number) or number < 0:
        raise ValueError('mode may only hold permission bits (at most 07777), got %r' % (mode,))
    return number


def _user_id(owner):
    if owner is None:
        return None
    try:
        return int(owner) if str(owner).isdigit() else pwd.getpwnam(str(owner)).pw_uid
    except KeyError:
        raise ValueError('owner %s is not a user of this host' % owner) from None


def _group_id(group):
    if group is None:
        return None
    try:
        return int(group) if str(group).isdigit() else grp.getgrnam(str(group)).gr_gid
    except KeyError:
        raise ValueError('group %s is not a group of this host' % group) from None


def _keep_attributes_of(existing, partial):
    """Give the new file the mode, owner and group of the file it replaces, as far as this user may."""
    try:
        before = os.stat(existing)
    except FileNotFoundError:
        return
    os.chmod(partial, stat.S_IMODE(before.st_mode))
    try:
        os.chown(partial, before.st_uid, before.st_gid)
    except PermissionError:
        pass  # only root may give a file away; a user replacing a file keeps it as their own, as cp does


@contextmanager
def replacing_file(dest, attributes=None):
    """A binary file object whose content replaces ``dest`` when the block ends without an exception.

    Written next to ``dest`` and renamed, so ``dest`` is whole or as it was. A new file is 0600
    (CSV exports hold addresses); a replaced one keeps its mode, owner and group; ``attributes``
    (a FileAttributes) then apply, before the file takes the name.
    """
    handle, partial = tempfile.mkstemp(prefix='.turbosmtp-', suffix='.csv', dir=os.path.dirname(os.path.abspath(dest)))
    try:
        with os.fdopen(handle, 'wb') as output:
            yield output
        _keep_attributes_of(dest, partial)
        if attributes is not None:
            attributes.apply(partial)
        os.replace(partial, dest)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
