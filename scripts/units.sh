#!/usr/bin/env bash
# ansible-test units on a copy of the collection laid out as ansible_collections/turbosmtp/api:
# the unit tests as the ecosystem's own runner collects them (module, module_utils and controller
# tests apart, tests/unit/requirements.txt). Arguments go to ansible-test.
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
# shellcheck source=scripts/ansible_test_lib.sh
source "$REPO/scripts/ansible_test_lib.sh"

enter_collection_copy
workers=$(python -c 'import os; print(min(4, os.cpu_count() or 1))')
ansible-test units --local --color no --python "$(python_version)" --num-workers "$workers" "$@"
