#!/usr/bin/env bash
# Benchmarks against the simulator; prints tables of ratios. Not part of the test suite:
# timing on shared machines belongs in side-by-side comparisons, never in pass/fail tests.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO" || exit 1
python benchmarks/run.py "$@"
