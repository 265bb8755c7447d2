"""map_concurrently, the one way pages, report deletions and send batches run at once."""

import threading
import time

import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils._concurrency import map_concurrently


def test_results_come_in_the_order_of_the_items_with_at_most_concurrency_running():
    running, peak, lock = [0], [0], threading.Lock()

    def work(item):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.01 * (item % 3))
        with lock:
            running[0] -= 1
        return item * 2

    assert map_concurrently(work, range(12), 3) == [item * 2 for item in range(12)]
    assert peak[0] == 3


def test_after_a_failure_nothing_new_starts_and_the_running_calls_finish_first():
    started, finished = [], []

    def work(item):
        started.append(item)
        time.sleep(0.05 if item else 0.01)
        finished.append(item)
        if item == 0:
            raise ValueError('item 0 failed')
        return item

    with pytest.raises(ValueError, match='item 0 failed'):
        map_concurrently(work, range(20), 2)
    assert sorted(started) == [0, 1] and sorted(finished) == [0, 1]


def test_no_items_and_one_at_a_time():
    assert map_concurrently(str, [], 4) == []
    assert map_concurrently(str, [1, 2], 1) == ['1', '2']
