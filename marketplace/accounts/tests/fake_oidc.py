"""A tiny OIDC provider on 127.0.0.1 for tests: authorize, token (with PKCE), JWKS and userinfo.

It signs RS256 ID tokens with a key made at start-up. The "user" who logs in at /authorize is whatever
`provider.claims` says at that moment, so a test chooses who arrives.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "markedsplassen-test"
CLIENT_SECRET = "hemmelig-klient"  # a test value


@dataclass
class FakeProvider:
    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=lambda: {"sub": "abc"})
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    issuer_in_token: str | None = None  # to test a wrong `iss`
    kid: str = "test-key-1"

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer_in_token or self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 120,
            "nonce": nonce,
            "acr": "idporten-loa-substantial",
            **self.claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/authorize":
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    self._json(400, {"error": "invalid_request"})
                    return
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {
                    "nonce": query.get("nonce", ""),
                    "redirect_uri": query["redirect_uri"],
                    "code_challenge": query.get("code_challenge", ""),
                    "claims": dict(provider.claims),
                }
                location = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()
            elif url.path == "/jwks.json":
                self._json(200, provider.jwks())
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in provider.access_tokens:
                    self._json(401, {"error": "invalid_token"})
                    return
                self._json(200, provider.access_tokens[token])
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if urlparse(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.token_requests.append(form)
            grant = provider.codes.pop(form.get("code", ""), None)
            if (
                grant is None
                or form.get("grant_type") != "authorization_code"
                or form.get("client_id") != CLIENT_ID
                or form.get("client_secret") != CLIENT_SECRET
                or form.get("redirect_uri") != grant["redirect_uri"]
            ):
                self._json(400, {"error": "invalid_grant"})
                return
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            )
            if challenge != grant["code_challenge"]:
                self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                return
            access_token = secrets.token_urlsafe(24)
            provider.access_tokens[access_token] = dict(grant["claims"])
            saved_claims = provider.claims
            provider.claims = grant["claims"]
            id_token = provider.id_token(grant["nonce"])
            provider.claims = saved_claims
            self._json(
                200,
                {
                    "access_token": access_token,
                    "id_token": id_token,
                    "token_type": "Bearer",
                    "expires_in": 120,
                },
            )

    return Handler


class FakeProviderServer:
    def __init__(self) -> None:
        self.provider = FakeProvider()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.provider))
        host, port = self.server.server_address[:2]
        self.provider.issuer = f"http://{host}:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self.provider

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
