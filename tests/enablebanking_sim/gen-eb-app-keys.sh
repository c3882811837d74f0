#!/bin/sh
# SPDX-License-Identifier: MIT
# Generates the Enable Banking test application's RSA key pair (never for production):
#   eb-app.key     RSA 2048 private key, PKCS#8 PEM (what a user downloads from Enable Banking)
#   eb-app.pub     its public key, SubjectPublicKeyInfo PEM (what the simulator verifies with)
#   eb-app.pem     a self-signed certificate of it (what a user uploads to Enable Banking)
#   eb-other.key   another RSA key: JWTs it signs must be refused
#   eb-ec.key      an EC P-256 key: "not an RSA key" tests
# Usage: gen-eb-app-keys.sh OUT_DIR
set -eu

out=${1:?usage: gen-eb-app-keys.sh OUT_DIR}
mkdir -p "$out"
work=$(mktemp -d "${out%/}/.gen-eb.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 077

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/eb-app.key" 2>/dev/null
openssl pkey -in "$work/eb-app.key" -pubout -out "$work/eb-app.pub"
openssl req -x509 -new -sha256 -days 3650 -key "$work/eb-app.key" \
    -subj "/O=bank2mqtt tests/CN=bank2mqtt Enable Banking test application" -out "$work/eb-app.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/eb-other.key" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/eb-ec.key" 2>/dev/null

# Public parts are public; keys stay owner-only. Move into place last (no half-made set).
chmod 644 "$work/eb-app.pub" "$work/eb-app.pem"
for file in eb-app.key eb-app.pub eb-app.pem eb-other.key eb-ec.key; do
    mv -f "$work/$file" "$out/$file"
done
