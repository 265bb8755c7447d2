# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading a paged list of the API whole: how many pages to ask for, and the rows of each once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.turbosmtp.api.plugins.module_utils._concurrency import map_concurrently


def row_identity(row):
    """A value equal for two rows exactly when every field of theirs is equal.

    Two different rows may share an ``id`` (stats) or a ``cid`` (reports) - the seed's own
    examples do - so only a row identical in every field is the same row seen twice. A row of
    plain fields is compared field by field with each value's type (1, 1.0 and true differ, as
    their JSON does), three times cheaper than its JSON text; a row holding a list or an object
    is compared by its JSON text.
    """
    try:
        identity = tuple(sorted((name, type(value), value) for name, value in row.items()))
        hash(identity)
    except (AttributeError, TypeError):
        return json.dumps(row, sort_keys=True, separators=(',', ':'), default=str)
    return identity


class Listing:
    """A paged list of the API: where it is, how many rows a page holds, and what makes two rows one.

    ``identity`` gives a value equal for two rows exactly when they are the same row seen twice.
    """

    def __init__(self, path, page_size, identity=row_identity):
        self.path = path
        self.page_size = page_size
        self.identity = identity


def fetch_pages(page_rows, listing, total, limit=None, concurrency=4):
    """Every row of a list that holds ``total`` rows, in API order, up to ``limit``; ``page_rows(n)`` reads page n.

    Pages are fetched concurrently. New rows arrive at the top while we read, so a row may move
    across a page boundary and come back on the next page: a row the same, by the listing's
    identity, as one of an earlier page is dropped. A full last page means the list grew, so
    reading goes on until a short page.
    """
    page_size = listing.page_size
    wanted = total if limit is None else min(total, limit)
    pages = -(-wanted // page_size)
    if total and wanted == total and total % page_size == 0:
        # A full last page cannot tell whether the list grew; ask for the next one alongside.
        pages += 1
    batches = map_concurrently(page_rows, range(1, pages + 1), concurrency)
    next_page = pages + 1
    while batches and len(batches[-1]) == page_size and (limit is None or sum(map(len, batches)) < limit):
        batches.append(page_rows(next_page))
        next_page += 1
    return _unique_rows(batches, limit, listing.identity)


def _unique_rows(batches, limit, identity):
    """The rows of every page in order, without those the same as a row of an earlier page."""
    rows = []  # type: list[dict]
    earlier_pages = set()
    for batch in batches:
        identities = [identity(row) for row in batch]
        rows.extend(row for row, identity in zip(batch, identities) if identity not in earlier_pages)
        earlier_pages.update(identities)
    return rows if limit is None else rows[:limit]
