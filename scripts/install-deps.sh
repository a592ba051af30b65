#!/usr/bin/env bash
# Installs the Debian packages rollout-gateway needs, only those missing.
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   plus the servers the tests start (Postfix's smtp-sink, aiosmtpd, Dovecot, isync; systemd for
#                                    systemd-analyze verify of the unit and its drop-ins; python3-authres for the
#                                    Authentication-Results differential test; sqlite3 for the kill
#                                    campaigns; PostgreSQL: the tests run initdb and pg_ctl themselves, as the postgres user)
set -euo pipefail

packages=(libsqlite3-dev libcurl4-openssl-dev libgmime-3.0-dev libxml2-dev libpsl-dev pkg-config)
if [[ "${1:-}" == "--test" ]]; then
    packages+=(postfix python3-aiosmtpd dovecot-imapd isync systemd sqlite3 postgresql python3-authres)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "installing: ${missing[*]}" >&2
# Postfix asks how to configure itself; the tests run their own smtp-sink, so: no configuration.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
