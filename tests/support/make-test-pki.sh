#!/usr/bin/env bash
# A certificate authority as a real deployment has one, for the TLS tests: a root, an
# intermediate, and a server certificate for 127.0.0.1 signed by the intermediate, every key EC
# P-256 in PKCS#8 ("BEGIN PRIVATE KEY", what certbot writes). Clients trust root.pem only, so
# they verify the server through the intermediate that fullchain.pem carries.
# Usage: make-test-pki.sh DIR [NAME]   (NAME: the server files' prefix, default "server")
set -euo pipefail
dir=$1
name=${2:-server}
cd "$dir"
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
if [ ! -f root.pem ]; then
    ec root.key
    openssl req -x509 -new -key root.key -subj "/CN=CRM Test Root" -days 3 -out root.pem \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    ec intermediate.key
    openssl req -new -key intermediate.key -subj "/CN=CRM Test Intermediate" -out intermediate.csr
    printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' \
        > intermediate.ext
    openssl x509 -req -in intermediate.csr -CA root.pem -CAkey root.key -CAcreateserial \
        -days 3 -extfile intermediate.ext -out intermediate.pem 2>/dev/null
fi
ec "$name.key"
openssl req -new -key "$name.key" -subj "/CN=127.0.0.1" -out "$name.csr"
printf 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
    > "$name.ext"
openssl x509 -req -in "$name.csr" -CA intermediate.pem -CAkey intermediate.key \
    -CAcreateserial -days 2 -extfile "$name.ext" -out "$name.pem" 2>/dev/null
cat "$name.pem" intermediate.pem > "$name-fullchain.pem"
