#!/usr/bin/env bash
# The one test command. On a fresh machine it installs what the tests need (the pinned SARIF
# multitool from npm into .tools/, moto's server from PyPI into .venv/, both git-ignored),
# starts moto on 127.0.0.1, runs the format check, clippy and the whole test suite, and stops
# moto. Fails on the first problem.
set -euo pipefail
cd "$(dirname "$0")/.."

SARIF_MULTITOOL_VERSION=5.7.0
TOOLS_DIR="$PWD/.tools"
MULTITOOL="$TOOLS_DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

step() { printf '\n==> %s\n' "$*"; }

if ! "$MULTITOOL" --version 2>/dev/null | grep -q "^SARIF Multitool $SARIF_MULTITOOL_VERSION"; then
  step "installing @microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION into .tools/"
  command -v npm >/dev/null || { echo "npm is required to install the SARIF multitool" >&2; exit 2; }
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error \
    "@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION"
  # npm may skip the package's postinstall (which only sets the executable bit).
  chmod u+x "$MULTITOOL"
  "$MULTITOOL" --version | head -1
fi
export GWAUDIT_SARIF_MULTITOOL="$MULTITOOL"

# moto's server mode, pinned, in a git-ignored venv: the AWS-compatible server the live
# collection tests run against.
# shellcheck source=scripts/moto.sh
source scripts/moto.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --all-targets -- -D warnings

step "cargo test"
cargo test --locked --all-targets

step "all checks passed"
