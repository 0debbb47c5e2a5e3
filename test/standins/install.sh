#!/bin/sh
# edge-orch test stand-in for K3s's install script (https://get.k3s.io; real K3s cannot be downloaded in tests).
# It reads the same environment and writes the same files at the same absolute paths as the real script:
#   INSTALL_K3S_EXEC (+ arguments), K3S_URL/K3S_TOKEN, INSTALL_K3S_SKIP_DOWNLOAD, INSTALL_K3S_VERSION, GITHUB_URL
#   (binary from <GITHUB_URL>/download/<version>/k3s, checked against sha256sum-<arch>.txt, with curl or wget),
#   INSTALL_K3S_BIN_DIR, INSTALL_K3S_BIN_DIR_READ_ONLY (implies SKIP_DOWNLOAD; no symlinks or scripts in the bin
#   dir), INSTALL_K3S_SYMLINK, INSTALL_K3S_SYSTEMD_DIR, INSTALL_K3S_SKIP_ENABLE, INSTALL_K3S_SKIP_START,
#   INSTALL_K3S_FORCE_RESTART; writes kubectl/crictl/ctr symlinks, k3s-killall.sh, k3s-uninstall.sh, the systemd
#   unit and its .env file.
# Differences, on purpose: there is no systemd here, so "enable" is the multi-user.target.wants symlink that
# systemctl would make, and "start" runs `k3s server` directly with nohup (pid in /run/k3s-standin.pid, output in
# /var/log/k3s-standin.log); it returns without waiting for readiness (the real one waits, the unit is
# Type=notify). Release channels (no INSTALL_K3S_VERSION) and the SELinux RPM are not emulated.
set -e
set -o noglob

GITHUB_URL=${GITHUB_URL:-https://github.com/k3s-io/k3s/releases}
PID_FILE=/run/k3s-standin.pid
LOG_FILE=/var/log/k3s-standin.log

info() { echo '[INFO] ' "$@"; }
fatal() { echo '[ERROR] ' "$@" >&2; exit 1; }

# --- the command: INSTALL_K3S_EXEC split into words, then the script's own arguments ---
set -- ${INSTALL_K3S_EXEC} "$@"
case "$1" in
  (-*|"")
    if [ -z "${K3S_URL}" ]; then
      CMD_K3S=server
    else
      [ -n "${K3S_TOKEN}${K3S_TOKEN_FILE}" ] || fatal "Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined."
      CMD_K3S=agent
    fi
    ;;
  (*)
    CMD_K3S=$1
    shift
    ;;
esac
if [ "${CMD_K3S}" = server ]; then SYSTEM_NAME=k3s; else SYSTEM_NAME=k3s-${CMD_K3S}; fi

BIN_DIR=${INSTALL_K3S_BIN_DIR:-/usr/local/bin}
SYSTEMD_DIR=${INSTALL_K3S_SYSTEMD_DIR:-/etc/systemd/system}
FILE_K3S_SERVICE=${SYSTEMD_DIR}/${SYSTEM_NAME}.service
FILE_K3S_ENV=${SYSTEMD_DIR}/${SYSTEM_NAME}.service.env
KILLALL_K3S_SH=${BIN_DIR}/k3s-killall.sh
UNINSTALL_K3S_SH=${BIN_DIR}/${SYSTEM_NAME}-uninstall.sh
if [ "${INSTALL_K3S_BIN_DIR_READ_ONLY}" = true ]; then INSTALL_K3S_SKIP_DOWNLOAD=true; fi

installed_hashes() { sha256sum "${BIN_DIR}/k3s" "${FILE_K3S_SERVICE}" "${FILE_K3S_ENV}" 2>&1 || true; }
PRE_INSTALL_HASHES=$(installed_hashes)

download() {
  case ${DOWNLOADER} in
    curl) curl -o "$1" -sfL "$2" || fatal "Download failed: $2" ;;
    wget) wget -qO "$1" "$2" || fatal "Download failed: $2" ;;
  esac
}

# --- binary: use the one on the host, or download and verify it ---
if [ "${INSTALL_K3S_SKIP_DOWNLOAD}" = true ] || [ "${INSTALL_K3S_SKIP_DOWNLOAD}" = binary ]; then
  info 'Skipping k3s download and verify'
  [ -x "${BIN_DIR}/k3s" ] || fatal "Executable k3s binary not found at ${BIN_DIR}/k3s"
else
  case $(uname -m) in
    amd64|x86_64) ARCH=amd64; SUFFIX= ;;
    arm64|aarch64) ARCH=arm64; SUFFIX=-arm64 ;;
    *) fatal "Unsupported architecture $(uname -m)" ;;
  esac
  if command -v curl >/dev/null 2>&1; then DOWNLOADER=curl
  elif command -v wget >/dev/null 2>&1; then DOWNLOADER=wget
  else fatal 'Can not find curl or wget for downloading files'; fi
  [ -n "${INSTALL_K3S_VERSION}" ] || fatal 'stand-in: set INSTALL_K3S_VERSION (release channels are not emulated)'
  info "Using ${INSTALL_K3S_VERSION} as release"
  TMP_DIR=$(mktemp -d -t k3s-install.XXXXXXXXXX)
  trap 'rm -rf "${TMP_DIR}"' EXIT
  info "Downloading hash ${GITHUB_URL}/download/${INSTALL_K3S_VERSION}/sha256sum-${ARCH}.txt"
  download "${TMP_DIR}/k3s.hash" "${GITHUB_URL}/download/${INSTALL_K3S_VERSION}/sha256sum-${ARCH}.txt"
  HASH_EXPECTED=$(grep " k3s${SUFFIX}\$" "${TMP_DIR}/k3s.hash" | cut -d' ' -f1)
  HASH_INSTALLED=$( (sha256sum "${BIN_DIR}/k3s" 2>/dev/null || true) | cut -d' ' -f1)
  if [ -n "${HASH_EXPECTED}" ] && [ "${HASH_EXPECTED}" = "${HASH_INSTALLED}" ]; then
    info 'Skipping binary downloaded, installed k3s matches hash'
  else
    info "Downloading binary ${GITHUB_URL}/download/${INSTALL_K3S_VERSION}/k3s${SUFFIX}"
    download "${TMP_DIR}/k3s.bin" "${GITHUB_URL}/download/${INSTALL_K3S_VERSION}/k3s${SUFFIX}"
    HASH_BIN=$(sha256sum "${TMP_DIR}/k3s.bin" | cut -d' ' -f1)
    [ "${HASH_EXPECTED}" = "${HASH_BIN}" ] || fatal "Download sha256 does not match ${HASH_EXPECTED}, got ${HASH_BIN}"
    chmod 755 "${TMP_DIR}/k3s.bin"
    info "Installing k3s to ${BIN_DIR}/k3s"
    mv -f "${TMP_DIR}/k3s.bin" "${BIN_DIR}/k3s"
  fi
fi

# --- symlinks and helper scripts in the bin dir, unless it is read-only ---
if [ "${INSTALL_K3S_BIN_DIR_READ_ONLY}" != true ]; then
  if [ "${INSTALL_K3S_SYMLINK}" != skip ]; then
    for cmd in kubectl crictl ctr; do
      if [ ! -e "${BIN_DIR}/${cmd}" ] || [ "${INSTALL_K3S_SYMLINK}" = force ]; then
        which_cmd=$(command -v ${cmd} 2>/dev/null || true)
        if [ -z "${which_cmd}" ] || [ "${INSTALL_K3S_SYMLINK}" = force ]; then
          info "Creating ${BIN_DIR}/${cmd} symlink to k3s"
          ln -sf k3s "${BIN_DIR}/${cmd}"
        else
          info "Skipping ${BIN_DIR}/${cmd} symlink to k3s, command exists in PATH at ${which_cmd}"
        fi
      else
        info "Skipping ${BIN_DIR}/${cmd} symlink to k3s, already exists"
      fi
    done
  fi

  info "Creating killall script ${KILLALL_K3S_SH}"
  cat > "${KILLALL_K3S_SH}" << 'EOF'
#!/bin/sh
# edge-orch stand-in k3s-killall.sh: stops the stand-in K3s started by the stand-in install script.
PID_FILE=/run/k3s-standin.pid
alive() { [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^[ZX]'; }
if [ -s "${PID_FILE}" ]; then
  pid=$(cat "${PID_FILE}")
  kill "${pid}" 2>/dev/null || true
  i=0
  while alive "${pid}" && [ "${i}" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  if alive "${pid}"; then kill -9 "${pid}" 2>/dev/null || true; fi
  rm -f "${PID_FILE}"
fi
rm -rf /run/k3s /var/lib/cni
EOF
  chmod 755 "${KILLALL_K3S_SH}"

  info "Creating uninstall script ${UNINSTALL_K3S_SH}"
  cat > "${UNINSTALL_K3S_SH}" << EOF
#!/bin/sh
# edge-orch stand-in ${SYSTEM_NAME}-uninstall.sh
set -x
'${KILLALL_K3S_SH}'
rm -f '${FILE_K3S_SERVICE}' '${FILE_K3S_ENV}' '${SYSTEMD_DIR}/multi-user.target.wants/${SYSTEM_NAME}.service'
for cmd in kubectl crictl ctr; do
  if [ -L '${BIN_DIR}'/\$cmd ]; then rm -f '${BIN_DIR}'/\$cmd; fi
done
rm -rf /etc/rancher/k3s /run/k3s /run/flannel /var/lib/rancher/k3s /var/lib/kubelet
rm -f '${BIN_DIR}/k3s' '${KILLALL_K3S_SH}' '${UNINSTALL_K3S_SH}'
EOF
  chmod 755 "${UNINSTALL_K3S_SH}"
fi

# --- the systemd unit and its environment file ---
mkdir -p "${SYSTEMD_DIR}"
info "env: Creating environment file ${FILE_K3S_ENV}"
: > "${FILE_K3S_ENV}"
chmod 0600 "${FILE_K3S_ENV}"
{ env | grep -E '^(K3S|CONTAINERD)_' || true; env | grep -Ei '^(NO|HTTP|HTTPS)_PROXY' || true; } > "${FILE_K3S_ENV}"

info "systemd: Creating service file ${FILE_K3S_SERVICE}"
EXEC_ARGS=
for arg in "$@"; do EXEC_ARGS="${EXEC_ARGS} \\
	'$(printf '%s' "${arg}" | sed "s/'/'\\\\''/g")'"; done
cat > "${FILE_K3S_SERVICE}" << EOF
[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-${FILE_K3S_ENV}
KillMode=process
Delegate=yes
User=root
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=${BIN_DIR}/k3s \\
    ${CMD_K3S}${EXEC_ARGS}

EOF

# --- enable and start ---
alive() { [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^[ZX]'; }
running_pid() { if [ -s "${PID_FILE}" ] && alive "$(cat "${PID_FILE}")"; then cat "${PID_FILE}"; fi; }

[ "${INSTALL_K3S_SKIP_ENABLE}" = true ] && exit 0
info "systemd: Enabling ${SYSTEM_NAME} unit"
mkdir -p "${SYSTEMD_DIR}/multi-user.target.wants"
ln -sf "${FILE_K3S_SERVICE}" "${SYSTEMD_DIR}/multi-user.target.wants/${SYSTEM_NAME}.service"

[ "${INSTALL_K3S_SKIP_START}" = true ] && exit 0
POST_INSTALL_HASHES=$(installed_hashes)
RUNNING=$(running_pid)
if [ -n "${RUNNING}" ] && [ "${PRE_INSTALL_HASHES}" = "${POST_INSTALL_HASHES}" ] && [ "${INSTALL_K3S_FORCE_RESTART}" != true ]; then
  info 'No change detected so skipping service start'
  exit 0
fi
if [ -n "${RUNNING}" ]; then
  kill "${RUNNING}" 2>/dev/null || true
  i=0
  while alive "${RUNNING}" && [ "${i}" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
info "systemd: Starting ${SYSTEM_NAME} (stand-in: nohup, no systemd)"
mkdir -p "$(dirname "${LOG_FILE}")" "$(dirname "${PID_FILE}")"
nohup "${BIN_DIR}/k3s" "${CMD_K3S}" "$@" >> "${LOG_FILE}" 2>&1 < /dev/null &
echo $! > "${PID_FILE}"
exit 0
