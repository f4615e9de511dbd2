#!/usr/bin/env bash
# Local reference instance (InvenioRDM 14 + TU Wien's packages) on 127.0.0.1.
#   bash instance/instance.sh up|stop|reset|status
# The work is done by instance/instance.py (standard library only), run with the
# machine's python3; the instance itself runs in .instance/venv (Python 3.12).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="$(command -v python3 || true)"
if [ -z "$py" ]; then
    echo "instance: python3 not found (needed to run instance/instance.py)" >&2
    exit 1
fi
exec "$py" -u "$here/instance.py" "$@"
