#!/usr/bin/env bash
# The OpenPGP signed-mail tests' keys (issue 23), made with the gpg CLI into <folder>:
#   <folder>/signing       a GnuPG home holding every person's secret key (unrevoked: the tests sign with it)
#   <folder>/keyring.asc   the operator's keyring (inbound.openpgp.keyring): the public keys of manager, colleague,
#                          expired, revoked (with its revocation), robot and impostor; not stranger's
#   <folder>/<person>.fpr  each key's fingerprint
# Keys are ed25519 (fast), made at 2025-01-01 (before the tests' clock, 2025-12-01) by --faked-system-time.
set -euo pipefail
folder="$1"
mkdir -p "$folder/signing" "$folder/public"
chmod 700 "$folder/signing" "$folder/public"
made="20250101T000000!"

key() {  # person, user ID, expiry
    gpg --homedir "$folder/signing" --batch --quiet --no-tty --faked-system-time "$made" --passphrase '' \
        --quick-gen-key "$2" ed25519 sign "$3"
    gpg --homedir "$folder/signing" --batch --with-colons --list-keys "=$2" | awk -F: '/^fpr:/ { print $10; exit }' >"$folder/$1.fpr"
}
key manager "Mario David <mario.david@lip.example.org>" never
key colleague "Luigi Verdi <luigi.verdi@lip.example.org>" never
key stranger "Mario David (not the operator's) <mario.david@lip.example.org>" never
key expired "Mario David (expired) <mario.david@lip.example.org>" 30d
key revoked "Mario David (revoked) <mario.david@lip.example.org>" never
key robot "Release robot" never
# A member's key whose first user ID is a manager's certificate DN (as inbound.smime.people maps it), the member's
# address in a second one: an OpenPGP user ID is whatever the owner wrote (review of issue 23).
key impostor "/C=NL/O=Test Grid/OU=People/CN=Mario David robot" never
gpg --homedir "$folder/signing" --batch --quiet --no-tty --faked-system-time "$made" --passphrase '' \
    --quick-add-uid "$(cat "$folder/impostor.fpr")" "Luigi Verdi (second key) <luigi.verdi@lip.example.org>"
gpg --homedir "$folder/signing" --batch --quiet --no-tty --faked-system-time "20250102T000000!" --passphrase '' \
    --quick-set-primary-uid "$(cat "$folder/impostor.fpr")" "/C=NL/O=Test Grid/OU=People/CN=Mario David robot"

fingerprints=()
for person in manager colleague expired revoked robot impostor; do fingerprints+=("$(cat "$folder/$person.fpr")"); done
gpg --homedir "$folder/signing" --batch --export --armor "${fingerprints[@]}" >"$folder/public.asc"
gpg --homedir "$folder/public" --batch --quiet --import "$folder/public.asc"
# gpg writes each key's revocation certificate with its armor line escaped by a colon, against importing it by mistake.
sed 's/^:-----/-----/' "$folder/signing/openpgp-revocs.d/$(cat "$folder/revoked.fpr").rev" >"$folder/revocation.asc"
gpg --homedir "$folder/public" --batch --quiet --import "$folder/revocation.asc"
gpg --homedir "$folder/public" --batch --export --armor "${fingerprints[@]}" >"$folder/keyring.asc"
gpgconf --homedir "$folder/public" --kill all
gpgconf --homedir "$folder/signing" --kill all
