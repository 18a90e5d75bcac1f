#!/usr/bin/env bash
# The status-page test drives Debian's headless Chromium. Installed here when missing (the test set-up runs this
# from Maven, so `mvn -B verify` on a fresh machine needs nothing else); a no-op when it is there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing Debian's chromium for the status-page test..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium
