#!/usr/bin/env bash
# The whole test suite: unit, integration, property and doc tests, every
# feature. CI (.ci/run) calls this same script.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-features "$@"
