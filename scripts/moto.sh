# Sourced by scripts/test.sh and scripts/bench-live.sh: installs moto's server (pinned) into the
# git-ignored .venv and starts it on 127.0.0.1; exports GWAUDIT_MOTO_URL and GWAUDIT_PYTHON and
# stops the server when the calling script exits.
MOTO_VERSION=5.2.5
VENV="$PWD/.venv"
if ! "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  echo "==> installing moto[server]==$MOTO_VERSION into .venv/"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
MOTO_PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "==> starting moto on 127.0.0.1:$MOTO_PORT"
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" > "$VENV/moto.log" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$MOTO_PORT/moto-api/')" 2>/dev/null; then
    break
  fi
  kill -0 "$MOTO_PID" 2>/dev/null || { echo "moto failed to start:" >&2; cat "$VENV/moto.log" >&2; exit 1; }
  sleep 0.2
done
export GWAUDIT_MOTO_URL="http://127.0.0.1:$MOTO_PORT"
export GWAUDIT_PYTHON="$VENV/bin/python"
