# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one way the collection does several requests at once (pages, report deletions, send batches)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait


def map_concurrently(function, items, concurrency):
    """[function(item) for item in items], with at most ``concurrency`` calls running at once.

    Results come in the order of ``items``. After the first exception no further call is
    started; the calls under way are waited for (they may have changed something), then that
    exception is raised. An exception in the calling thread itself (a task timeout) does not
    wait for the calls under way.
    """
    items = list(items)
    if concurrency <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    results = [None] * len(items)
    waiting = iter(enumerate(items))
    running = {}
    first_failure = None
    pool = ThreadPoolExecutor(max_workers=min(concurrency, len(items)))

    def start_next():
        index, item = next(waiting, (None, None))
        if index is not None:
            running[pool.submit(function, item)] = index

    try:
        for _slot in range(concurrency):
            start_next()
        while running:
            finished, dummy = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                index = running.pop(future)
                failure = future.exception()
                if failure is not None:
                    first_failure = first_failure or failure
                elif first_failure is None:
                    results[index] = future.result()
                if first_failure is None:
                    start_next()
    except BaseException:
        # Nothing is queued (calls start one by one), so the pool only has the running calls to finish.
        pool.shutdown(wait=False)
        raise
    pool.shutdown(wait=True)
    if first_failure is not None:
        raise first_failure
    return results
