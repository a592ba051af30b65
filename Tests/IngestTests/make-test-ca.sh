#!/usr/bin/env bash
# Makes the signed-mail tests' PKI in DIR with the openssl CLI (issue 23), laid out as Debian's IGTF packages lay out
# /etc/grid-security/certificates: DIR/certificates holds <alias>.pem, hash.0 links, the intermediate's CRL as
# hash.r0, .signing_policy/.namespaces files and policy-igtf-<profile>.info lists; DIR/people holds each person's
# certificate and key (<name>.pem, <name>.key). Every certificate is valid from 2025 to 2035 unless named otherwise.
set -euo pipefail
dir=$1
mkdir -p "$dir/certificates" "$dir/people" "$dir/work"
cd "$dir/work"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>/dev/null; }

# One `openssl ca` database per issuing CA.
config() { # name cert key
    mkdir -p "$1/new"; : > "$1/index.txt"; echo 1000 > "$1/serial"; echo 1000 > "$1/crlnumber"
    cat > "$1/ca.cnf" <<CNF
[ca]
default_ca = this
[this]
database = $PWD/$1/index.txt
new_certs_dir = $PWD/$1/new
serial = $PWD/$1/serial
crlnumber = $PWD/$1/crlnumber
certificate = $PWD/$2
private_key = $PWD/$3
default_md = sha256
default_crl_days = 7300
policy = anything
unique_subject = no
copy_extensions = copy
email_in_dn = no
[anything]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[authority]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[person]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
}

issue() { # ca-dir csr out extensions [start end]
    openssl ca -batch -notext -config "$1/ca.cnf" -in "$2" -out "$3" -extensions "$4" \
        -startdate "${5:-20250101000000Z}" -enddate "${6:-20350101000000Z}" 2>/dev/null
}

root() { # name subject
    key "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    config "$1" "$1.pem" "$1.key"
    openssl ca -batch -notext -selfsign -config "$1/ca.cnf" -keyfile "$1.key" -in "$1.csr" -out "$1.pem" \
        -extensions authority -startdate 20250101000000Z -enddate 20350101000000Z 2>/dev/null
}

root root "/C=NL/O=Test Grid/CN=Test Grid Root CA"
key inter.key
openssl req -new -key inter.key -subj "/C=NL/O=Test Grid/CN=Test Grid Intermediate CA" -out inter.csr
issue root inter.csr inter.pem authority
config inter inter.pem inter.key
root other "/C=NL/O=Elsewhere Grid/CN=Elsewhere Root CA"

person() { # ca name subject [email] [start end]
    key "$dir/people/$2.key"
    if [[ -n "${4:-}" ]]; then
        openssl req -new -key "$dir/people/$2.key" -subj "$3" -addext "subjectAltName=email:$4" -out "$2.csr"
    else
        openssl req -new -key "$dir/people/$2.key" -subj "$3" -out "$2.csr"
    fi
    issue "$1" "$2.csr" "$dir/people/$2.pem" person "${5:-20250101000000Z}" "${6:-20350101000000Z}"
}

person inter manager "/C=NL/O=Test Grid/OU=People/CN=Mario David" mario.david@lip.example.org
person inter expired "/C=NL/O=Test Grid/OU=People/CN=Mario David expired" mario.david@lip.example.org 20240101000000Z 20250101000000Z
person inter revoked "/C=NL/O=Test Grid/OU=People/CN=Mario David revoked" mario.david@lip.example.org
person inter colleague "/C=NL/O=Test Grid/OU=People/CN=Luigi Verdi" luigi.verdi@lip.example.org
person inter outside-namespace "/C=NL/O=Not Test Grid/CN=Mario David" mario.david@lip.example.org
person inter dn-only "/C=NL/O=Test Grid/OU=People/CN=Mario David robot"
person other other-profile "/C=NL/O=Elsewhere Grid/CN=Mario David" mario.david@lip.example.org
cp inter.pem "$dir/people/inter.pem"

openssl ca -batch -config inter/ca.cnf -revoke "$dir/people/revoked.pem" 2>/dev/null
openssl ca -batch -config inter/ca.cnf -gencrl -crl_lastupdate 20250101000000Z -crl_nextupdate 20350101000000Z -out inter.crl 2>/dev/null

certificates="$dir/certificates"
for alias in root inter other; do
    name=$(case $alias in root) echo TestGridRoot;; inter) echo TestGridIntermediate;; other) echo ElsewhereRoot;; esac)
    cp "$alias.pem" "$certificates/$name.pem"
    hash=$(openssl x509 -hash -noout -in "$alias.pem")
    ln -s "$name.pem" "$certificates/$hash.0"
    echo "$hash" > "$alias.hash"
done
cp inter.crl "$certificates/$(cat inter.hash).r0"
cat > "$certificates/$(cat root.hash).signing_policy" <<POLICY
# Test Grid Root CA: signs the Test Grid namespace only
 access_id_CA      X509         '/C=NL/O=Test Grid/CN=Test Grid Root CA'
 pos_rights        globus        CA:sign
 cond_subjects     globus       '"/C=NL/O=Test Grid/*"'
POLICY
cat > "$certificates/$(cat inter.hash).namespaces" <<POLICY
##
## Test Grid Intermediate CA: people of Test Grid
TO Issuer "/C=NL/O=Test Grid/CN=Test Grid Intermediate CA" \\
  PERMIT Subject "/C=NL/O=Test Grid/OU=People/.*"
POLICY
cat > "$certificates/$(cat other.hash).signing_policy" <<POLICY
 access_id_CA      X509         '/C=NL/O=Elsewhere Grid/CN=Elsewhere Root CA'
 pos_rights        globus        CA:sign
 cond_subjects     globus       '"/C=NL/O=Elsewhere Grid/*"'
POLICY
cat > "$certificates/policy-igtf-classic.info" <<INFO
# @(#)policy-igtf-classic.info - IGTF classic authorities (test)
version = 1.0
requires = TestGridRoot = 1.0, TestGridIntermediate = 1.0
INFO
cat > "$certificates/policy-igtf-iota.info" <<INFO
version = 1.0
requires = ElsewhereRoot = 1.0
INFO
