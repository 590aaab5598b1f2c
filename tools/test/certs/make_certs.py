#!/usr/bin/env python3
"""Test certificates for TLS and secure WebSocket brokers, made with the openssl command line.

    python3 tools/test/certs/make_certs.py OUTDIR [--p12-password PASS]

Writes into OUTDIR (every file world-readable, so a broker running as another user can read them):

  ca.pem, ca.key                 "mqttload test CA" (self-signed root)
  server.pem, server.key         server certificate for IP 127.0.0.1 and DNS localhost, signed by the CA
  server-chain.pem               server.pem followed by ca.pem
  wrong-name.pem, wrong-name.key server certificate for DNS wrong.example and other.wrong.example only
  expired.pem, expired.key       127.0.0.1/localhost, valid 2020-01-01 .. 2020-01-02 (expired)
  notyet.pem, notyet.key         127.0.0.1/localhost, valid 2099-01-01 .. 2100-01-01 (not valid yet)
  client.pem, client.key         client certificate (CN mqttload-client, clientAuth), signed by the CA
  client.p12                     the same as PKCS#12 (key, certificate, CA), OpenSSL 3 defaults
                                 (PBES2 / AES-256-CBC / PBKDF2, HMAC-SHA256 MAC), password --p12-password
  client-legacy.p12              the same with the older PBE-SHA1-3DES encryption and SHA-1 MAC
  other-ca.pem, other-ca.key     a second, unrelated CA
  other-client.pem, other-client.key, other-client.p12
                                 client certificate signed by the other CA (a broker trusting ca.pem rejects it)

Keys are RSA 2048 in PKCS#8 PEM. The script needs only the `openssl` command (1.1.1 or 3.x): certificates
with chosen validity dates are signed with `openssl ca -startdate/-enddate`. Importable:
make_certs(outdir, p12_password) -> dict of name -> absolute path; make_device_certs(ca_dir, outdir, names)
-> a certificate and key per device name, signed by that CA.
"""
import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_P12_PASSWORD = "mqttload"
OPENSSL = shutil.which("openssl") or "openssl"

CA_CONF = """\
# written by tools/test/certs/make_certs.py
[ req ]
distinguished_name = req_dn
prompt             = no
x509_extensions    = v3_ca
[ req_dn ]
CN = unused

[ v3_ca ]
basicConstraints       = critical, CA:true
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ca ]
default_ca = ca_main
[ ca_main ]
dir             = {dir}/db-main
database        = $dir/index.txt
new_certs_dir   = $dir/new
serial          = $dir/serial
certificate     = {dir}/ca.pem
private_key     = {dir}/ca.key
default_md      = sha256
default_days    = 3650
policy          = policy_any
unique_subject  = no
copy_extensions = none
[ ca_other ]
dir             = {dir}/db-other
database        = $dir/index.txt
new_certs_dir   = $dir/new
serial          = $dir/serial
certificate     = {dir}/other-ca.pem
private_key     = {dir}/other-ca.key
default_md      = sha256
default_days    = 3650
policy          = policy_any
unique_subject  = no
copy_extensions = none
[ policy_any ]
commonName = supplied

[ server ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = IP:127.0.0.1, DNS:localhost
[ wrong_name ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:wrong.example, DNS:other.wrong.example
[ client ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
"""


def _run(args, cwd):
    r = subprocess.run([OPENSSL] + [str(a) for a in args], cwd=str(cwd), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed (%d):\n%s" % (" ".join(map(str, args)), r.returncode,
                                                              r.stdout.decode(errors="replace")))
    return r.stdout.decode(errors="replace")


def _key(out, name):
    _run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key"], out)


def _ca(out, name, cn, conf):
    _key(out, name)
    _run(["req", "-config", conf, "-x509", "-new", "-key", name + ".key", "-subj", "/CN=" + cn,
          "-days", "3650", "-sha256", "-out", name + ".pem"], out)


def _leaf(out, conf, ca_section, name, cn, ext, key=None, start=None, end=None):
    """Certificate `name`.pem for CN `cn` with extension section `ext`, signed by `ca_section`;
    its key is `key`.key (made when key is None: `name`.key)."""
    if key is None:
        _key(out, name)
        key = name
    _run(["req", "-config", conf, "-new", "-key", key + ".key", "-subj", "/CN=" + cn, "-out", name + ".csr"], out)
    args = ["ca", "-config", conf, "-name", ca_section, "-batch", "-notext", "-in", name + ".csr",
            "-out", name + ".pem", "-extfile", conf, "-extensions", ext]
    if start:
        args += ["-startdate", start, "-enddate", end]
    else:
        args += ["-days", "3650"]
    _run(args, out)
    (out / (name + ".csr")).unlink()
    if key != name:
        shutil.copyfile(out / (key + ".key"), out / (name + ".key"))


def _p12(out, name, cert, key, chain, password, legacy=False):
    args = ["pkcs12", "-export", "-in", cert, "-inkey", key, "-certfile", chain, "-name", "mqttload client",
            "-passout", "pass:" + password, "-out", name]
    if legacy:
        args += ["-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"]
    _run(args, out)


def make_certs(outdir, p12_password=DEFAULT_P12_PASSWORD):
    out = Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    conf = out / "openssl-ca.cnf"
    conf.write_text(CA_CONF.format(dir=out))
    for db in ("db-main", "db-other"):
        (out / db / "new").mkdir(parents=True, exist_ok=True)
        (out / db / "index.txt").write_text("")
        (out / db / "serial").write_text("1000\n" if db == "db-main" else "5000\n")

    _ca(out, "ca", "mqttload test CA", conf)
    _ca(out, "other-ca", "mqttload other CA", conf)

    _leaf(out, conf, "ca_main", "server", "127.0.0.1", "server")
    (out / "server-chain.pem").write_text((out / "server.pem").read_text() + (out / "ca.pem").read_text())
    _leaf(out, conf, "ca_main", "wrong-name", "wrong.example", "wrong_name", key="server")
    _leaf(out, conf, "ca_main", "expired", "127.0.0.1", "server", key="server",
          start="20200101000000Z", end="20200102000000Z")
    _leaf(out, conf, "ca_main", "notyet", "127.0.0.1", "server", key="server",
          start="20990101000000Z", end="21000101000000Z")

    _leaf(out, conf, "ca_main", "client", "mqttload-client", "client")
    _p12(out, "client.p12", "client.pem", "client.key", "ca.pem", p12_password)
    _p12(out, "client-legacy.p12", "client.pem", "client.key", "ca.pem", p12_password, legacy=True)

    _leaf(out, conf, "ca_other", "other-client", "mqttload-other-client", "client")
    _p12(out, "other-client.p12", "other-client.pem", "other-client.key", "other-ca.pem", p12_password)

    shutil.rmtree(out / "db-main")
    shutil.rmtree(out / "db-other")
    conf.unlink()
    files = {}
    for p in sorted(out.iterdir()):
        if p.is_file():
            os.chmod(p, 0o644)  # test material only: readable by a broker running as any user
            files[p.name] = str(p)
    return files


def make_device_certs(ca_dir, outdir, names):
    """A client certificate per device, signed by `ca_dir`'s ca.pem/ca.key (make_certs): `outdir`/<name>.crt
    and <name>.key for each name, common name = the name, EC P-256 keys (fast to make; a fleet's devices
    often have them). Returns the names' (certificate, key) paths, in order."""
    ca_dir, out = Path(ca_dir).resolve(), Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    ext = out / "device.ext"
    ext.write_text("basicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature\n"
                   "extendedKeyUsage = clientAuth\n")
    pairs = []
    for serial, name in enumerate(names, start=20000):
        _run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
              name + ".key", "-subj", "/CN=" + name, "-out", name + ".csr"], out)
        _run(["x509", "-req", "-in", name + ".csr", "-CA", ca_dir / "ca.pem", "-CAkey", ca_dir / "ca.key",
              "-set_serial", serial, "-days", "3650", "-sha256", "-extfile", ext, "-out", name + ".crt"], out)
        (out / (name + ".csr")).unlink()
        for f in (name + ".crt", name + ".key"):
            os.chmod(out / f, 0o644)
        pairs.append((str(out / (name + ".crt")), str(out / (name + ".key"))))
    ext.unlink()
    return pairs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--p12-password", default=DEFAULT_P12_PASSWORD)
    a = ap.parse_args(argv)
    for name, path in make_certs(a.outdir, a.p12_password).items():
        print("%-20s %s" % (name, path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
