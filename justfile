# livret's recipes. Each one is a thin wrapper: the real steps are cargo commands or scripts
# that work without `just` (see README.md).

# List the recipes.
default:
    @just --list

# Build every crate in release mode.
build:
    cargo build --release --workspace

# The main job: read content/ from this repository's Git history and build every output into dist/.
demo:
    cargo run --release --bin livret -- build --out dist

# What CI runs: install the validators the tests need, then run every test.
test:
    .ci/run

# Formatting and lints, as CI expects them.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings

# Install the peers the benchmarks compare against (pandoc, WeasyPrint).
peers:
    .ci/install-peers

# The benchmark suite: whole builds on generated handbooks of 100, 400 and 1,600 pages (5 commits
# per page) and on any real repository given (a folder or a Git bundle), a second build after a
# one-page change, floors (git cat-file, git log) and peers (pandoc, pandoc + WeasyPrint from
# Debian and from PyPI), in one table.
bench *repositories: peers
    cargo bench -p livret-cli --bench suite -- {{repositories}}

# The acceptance suite on real repositories (folders or Git bundles), judged by independent
# validators and held to tests/acceptance/bounds.json; e.g. `just acceptance ../shared/corpora/*.bundle`.
acceptance +repositories:
    .ci/install-acceptance
    cargo bench -p livret-cli --bench acceptance -- {{repositories}}

# Every benchmark, including each stage's own (load, feed, EPUB, PDF, history).
bench-all: peers
    cargo bench --workspace
