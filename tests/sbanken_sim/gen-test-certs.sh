#!/bin/sh
# SPDX-License-Identifier: MIT
# Generates the TLS material the simulator and the integration tests use (never for production):
#   ca.pem/ca.key              test CA
#   server.pem/server.key      signed by the CA; SAN IP:127.0.0.1, IP:::1, DNS:localhost
#   wronghost.pem/.key         signed by the CA; SAN DNS:wrong.invalid only ("wrong host name" tests)
#   untrusted.pem/.key         self-signed; SAN IP:127.0.0.1 (not signed by the CA)
#   client.pem/.key            signed by the CA; clientAuth (MQTT client certificate tests)
#   untrustedclient.pem/.key   signed by untrusted.pem's key; clientAuth (a refused client cert)
# EC P-256 keys, SHA-256 signatures, 10 years. Usage: gen-test-certs.sh OUT_DIR
set -eu

out=${1:?usage: gen-test-certs.sh OUT_DIR}
days=3650
mkdir -p "$out"
work=$(mktemp -d "${out%/}/.gen.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 077

newkey() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$1.key" 2>/dev/null
}

# $1 = name, $2 = subject CN, $3 = subjectAltName, $4 = extendedKeyUsage (default serverAuth),
# $5 = issuer (default ca); signs a leaf certificate with the issuer's key.
leaf() {
    issuer=${5:-ca}
    newkey "$1"
    cat >"$work/$1.ext" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = ${4:-serverAuth}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $3
EXT
    openssl req -new -sha256 -key "$work/$1.key" -subj "/O=bank2mqtt tests/CN=$2" \
        -out "$work/$1.csr"
    openssl x509 -req -sha256 -days "$days" -in "$work/$1.csr" -CA "$work/$issuer.pem" \
        -CAkey "$work/$issuer.key" -set_serial "0x$(openssl rand -hex 16)" \
        -extfile "$work/$1.ext" -out "$work/$1.pem" 2>/dev/null
}

newkey ca
openssl req -x509 -new -sha256 -days "$days" -key "$work/ca.key" \
    -subj "/O=bank2mqtt tests/CN=bank2mqtt test CA" \
    -addext "basicConstraints = critical, CA:TRUE" \
    -addext "keyUsage = critical, keyCertSign, cRLSign" \
    -out "$work/ca.pem"

leaf server localhost "IP:127.0.0.1, IP:::1, DNS:localhost"
leaf wronghost wrong.invalid "DNS:wrong.invalid"

newkey untrusted
openssl req -x509 -new -sha256 -days "$days" -key "$work/untrusted.key" \
    -subj "/O=bank2mqtt tests/CN=localhost" \
    -addext "basicConstraints = critical, CA:FALSE" \
    -addext "subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost" \
    -out "$work/untrusted.pem"

leaf client "bank2mqtt test client" "DNS:bank2mqtt-client" clientAuth
leaf untrustedclient "bank2mqtt untrusted client" "DNS:bank2mqtt-client" clientAuth untrusted

# Certificates are public; keys stay owner-only. Move into place last so that a failed run
# never leaves a half-made set behind.
chmod 644 "$work"/*.pem
for name in ca server wronghost untrusted client untrustedclient; do
    mv -f "$work/$name.key" "$out/$name.key"
    mv -f "$work/$name.pem" "$out/$name.pem"
done
