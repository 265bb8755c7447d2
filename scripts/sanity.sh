#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection laid out as ansible_collections/turbosmtp/api,
# with no ignore file. Arguments go to ansible-test: scripts/sanity.sh --test pep8 plugins/modules/x.py
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
# shellcheck source=scripts/ansible_test_lib.sh
source "$REPO/scripts/ansible_test_lib.sh"

enter_collection_copy
ansible-test sanity --color no --venv --python "$(python_version)" "$@"
