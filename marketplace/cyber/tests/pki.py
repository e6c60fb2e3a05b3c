"""Test certificates built with `cryptography` (not trustme: its critical SAN fails sslyze's path validation,
cyber-privacy.md §A5). A private CA and leaf certificates with chosen defects, written as PEM files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Issued:
    cert_path: Path  # leaf, then the CA (the chain a server sends)
    key_path: Path
    ca_path: Path  # the trust anchor to give the scanner as ScanContext.ca_file


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key(kind: str, bits: int):
    return ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, bits)


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class TestCA:
    """`ca = TestCA(tmp_path); issued = ca.issue("www.example.test", days=90)`."""

    __test__ = False

    def __init__(self, folder: Path, name: str = "Markedsplassen Test CA") -> None:
        self.folder = folder
        self.key = rsa.generate_private_key(65537, 2048)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=365))
            .not_valid_after(NOW + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.ca_path = folder / "test-ca.pem"
        self.ca_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def issue(
        self,
        *hostnames: str,
        days: int = 90,
        not_before_days: int = -1,
        key: str = "rsa",
        bits: int = 2048,
        signature: hashes.HashAlgorithm | None = None,
        self_signed: bool = False,
        label: str | None = None,
    ) -> Issued:
        """A leaf for `hostnames` valid from now+not_before_days to now+days. Defects: days<0 (expired),
        bits=1024, signature=hashes.SHA384(), self_signed=True, or hostnames that don't match the scanned name."""
        leaf_key = _key(key, bits)
        issuer_key = leaf_key if self_signed else self.key
        issuer_name = _name(hostnames[0]) if self_signed else self.cert.subject
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(hostnames[0]))
            .issuer_name(issuer_name)
            .public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW + dt.timedelta(days=min(not_before_days, days - 1)))
            .not_valid_after(NOW + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in hostnames]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        )
        if not self_signed:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
        # cryptography 46 on this OpenSSL refuses SHA-1 signatures ("not supported for signatures")
        leaf = builder.sign(issuer_key, signature or hashes.SHA256())
        stem = label or hostnames[0].replace("*", "wildcard")
        cert_path = self.folder / f"{stem}.crt"
        key_path = self.folder / f"{stem}.key"
        chain = leaf.public_bytes(serialization.Encoding.PEM)
        if not self_signed:
            chain += self.cert.public_bytes(serialization.Encoding.PEM)
        cert_path.write_bytes(chain)
        key_path.write_bytes(_pem_key(leaf_key))
        return Issued(cert_path, key_path, self.ca_path)
