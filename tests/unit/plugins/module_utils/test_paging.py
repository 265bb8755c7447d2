"""Reading a paged list whole: which rows count as the same row seen twice."""


import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils._paging import row_identity


def test_row_identity_tells_rows_apart_by_every_field():
    row = {'id': 4612864212, 'status': 'SUCCESS', 'error': None}
    assert row_identity(row) == row_identity({'error': None, 'status': 'SUCCESS', 'id': 4612864212})
    assert row_identity(row) != row_identity(dict(row, status='OPEN'))


@pytest.mark.parametrize('value, other', [(1, True), (1, 1.0), (0, False), (None, 'None'), ('1', 1)])
def test_row_identity_tells_values_of_different_json_types_apart(value, other):
    assert row_identity({'id': 7, 'field': value}) != row_identity({'id': 7, 'field': other})


def test_row_identity_compares_rows_holding_lists_and_objects_by_content():
    row = {'id': 7, 'tags': ['a', 'b'], 'meta': {'ip': '192.0.2.1'}}
    assert row_identity(row) == row_identity({'meta': {'ip': '192.0.2.1'}, 'tags': ['a', 'b'], 'id': 7})
    assert row_identity(row) != row_identity(dict(row, tags=['b', 'a']))
    assert row_identity(row) != row_identity(dict(row, meta={'ip': '192.0.2.2'}))
