#!/usr/bin/env bash
# The one test command. On a fresh machine it installs what the tests need (the pinned SARIF
# multitool from npm into .tools/, moto's server from PyPI into .venv/, both git-ignored),
# starts moto on 127.0.0.1, runs the format check, clippy and the whole test suite, and stops
# moto. Fails on the first problem.
set -euo pipefail
cd "$(dirname "$0")/.."

SARIF_MULTITOOL_VERSION=5.7.0
MOTO_VERSION=5.2.5
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
VENV="$PWD/.venv"
if ! "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  step "installing moto[server]==$MOTO_VERSION into .venv/"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
MOTO_PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
step "starting moto on 127.0.0.1:$MOTO_PORT"
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" > "$VENV/moto.log" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if "$VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$MOTO_PORT/moto-api/')" 2>/dev/null; then
    break
  fi
  kill -0 "$MOTO_PID" 2>/dev/null || { echo "moto failed to start:" >&2; cat "$VENV/moto.log" >&2; exit 1; }
  sleep 0.2
done
export GWAUDIT_MOTO_URL="http://127.0.0.1:$MOTO_PORT"
export GWAUDIT_PYTHON="$VENV/bin/python"
export DOTNET_CLI_TELEMETRY_OPTOUT=1

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --all-targets -- -D warnings

step "cargo test"
cargo test --locked --all-targets

step "all checks passed"
