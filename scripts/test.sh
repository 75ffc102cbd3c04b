#!/usr/bin/env bash
# The one test command (README "The two commands"): installs what the tests need, then type-checks
# and runs every test. On a fresh Debian machine it installs the real clients and servers the tests
# start themselves (needs root for apt-get); where they are all present it runs as any user.
# `.ci/run` is this script.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
# Real clients and servers the tests start themselves (README "Testing").
PACKAGES=(
  skopeo podman buildah containerd docker.io docker-registry
  # dockerd cannot start containers (docker run in test/e2e) on an AppArmor kernel, Debian's
  # default, without apparmor_parser; docker.io only recommends it.
  apparmor
  golang-go rpm python3-rpm python3-packaging umoci uidmap crun fuse-overlayfs iptables
  php-cli php-composer-semver
  zstd openssl zip
  # the AWS CLI v2 (/usr/bin/aws) for the ECR API tests (issue #15)
  awscli
  # promtool checks /metrics (issue #16); the Prometheus server itself is never started
  prometheus
  binutils openjdk-17-jdk-headless python3
  # `script` drives the interactive password prompt on a pseudo-terminal (test/auth).
  bsdutils
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "scripts/test.sh: these Debian packages are missing and installing them needs root:" >&2
    echo "  ${missing[*]}" >&2
    echo "run: sudo bash scripts/test.sh   (or install them with apt-get, then run it again)" >&2
    exit 2
  fi
  apt-get update -qq
  # Keep the packages' system services (dockerd, containerd, docker-registry on :5000) from
  # starting: the e2e tests start private daemons themselves (policy-rc.d exit 101 = deny).
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
# e2e tests (dockerd, containerd, podman, buildah) use overlay mounts.
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || echo "warning: overlayfs unavailable; e2e tests will fail" >&2

# npm dependencies (and the pinned Node 24): installed when missing or older than the lock file.
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm test
