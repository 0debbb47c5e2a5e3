#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real (RPM tooling, dnf, squashfs, PostgreSQL,
# network namespaces and the iptables rules K3s's cleanup removes, the end-to-end test's systemd-booted hosts,
# Chromium for the web UI's browser tests), only those that are missing. Needs root, as on CI.
set -euo pipefail
declare -A need=(
  [rpmbuild]=rpm [createrepo_c]=createrepo-c [dnf]=dnf [mksquashfs]=squashfs-tools
  [ip]=iproute2 [unshare]=util-linux [zstd]=zstd [cpio]=cpio [curl]=curl
  [iptables]=iptables [iptables-save]=iptables [ip6tables-restore]=iptables
  [chromium]=chromium
  [systemd-nspawn]=systemd-container [mmdebstrap]=mmdebstrap [nsenter]=util-linux
)
missing=()
for cmd in "${!need[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}"); done
# PostgreSQL: the server binaries (initdb, pg_ctl) live under /usr/lib/postgresql/<major>/bin.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "edge-orch: installing test dependencies: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
