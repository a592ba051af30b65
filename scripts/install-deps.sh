#!/usr/bin/env bash
# Installs the Debian packages rollout-gateway needs, only those missing.
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   plus the servers the tests start (Postfix's smtp-sink, aiosmtpd, Dovecot, isync; systemd for
#                                    systemd-analyze verify of the unit and its drop-ins; python3-authres for the
#                                    Authentication-Results differential test; sqlite3 for the kill
#                                    campaigns; PostgreSQL: the tests run initdb and pg_ctl themselves, as the postgres user),
#                                    and from PyPI, pinned by hash in scripts/test-requirements.txt, threadweave (JWZ
#                                    threading, for the test that reads people's mailboxes as a mail client does)
set -euo pipefail

packages=(libsqlite3-dev libcurl4-openssl-dev libgmime-3.0-dev libxml2-dev libpsl-dev libldap-dev pkg-config)
packages+=(libssl-dev)  # S/MIME signatures (issue 23): OpenSSL's CMS through the COpenSSL shim
if [[ "${1:-}" == "--test" ]]; then
    packages+=(postfix python3-aiosmtpd dovecot-imapd isync systemd sqlite3 postgresql python3-authres python3-pip)
    packages+=(slapd ldap-utils)  # the directory tests: their own slapd on loopback (slapadd, slapd -f), ldapmodify
    packages+=(openssl)  # the signed-mail tests make their test CA and sign with the openssl CLI
    packages+=(chromium python3-websockets)  # the web view's browser tests: headless Chromium driven over DevTools
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "installing: ${missing[*]}" >&2
    # Postfix asks how to configure itself; the tests run their own smtp-sink, so: no configuration.
    echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# What Debian does not package, for the system's python3 that the tests run (into /usr/local, beside Debian's own).
if [[ "${1:-}" == "--test" ]] && ! /usr/bin/python3 -c "import threadweave" 2>/dev/null; then
    echo "installing from PyPI: threadweave" >&2
    $sudo /usr/bin/python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        --break-system-packages --no-deps --require-hashes -r "$(dirname "$0")/test-requirements.txt"
fi
