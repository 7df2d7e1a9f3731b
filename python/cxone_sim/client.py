"""The seed's ``CXoneAuthManager`` and ``CXoneSimulationClient``, over the Rust client.

The backend is ``local`` (the engine in process, answering as the emulator does) unless
``backend="cxone"`` is given or ``CXONE_BACKEND=cxone`` is set. With ``cxone`` every call goes to a
CXone-compatible server through the ``cxone`` crate: the OAuth 2.0 client-credentials token is cached
and refreshed 60 s before it expires (concurrent callers share one refresh); 429, 5xx and connection
failures are retried with exponential backoff and jitter, honouring ``Retry-After``; every attempt of
one simulation carries the same ``Idempotency-Key``; a 401 refreshes the token and replays once; a
probability-adjustment 400 lowers the answer rate by 0.02 and asks again.

Environment (read when the argument is not given): ``CXONE_BACKEND``, ``CXONE_BASE_URL`` (default
``https://{org_id}.my.cxone.com``), ``CXONE_TOKEN_URL`` (default ``{base}/api/v2/oauth/token``).
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Mapping, Optional, Union

from . import _native
from ._errors import CXoneError, ValidationError
from .models import PredictiveSimulationPayload, payload_of

__all__ = ["CXoneAuthManager", "CXoneSimulationClient", "BACKENDS"]

#: Where simulations can run.
BACKENDS = ("local", "cxone")


def _backend_name(backend: Optional[str]) -> str:
    name = backend if backend is not None else os.environ.get("CXONE_BACKEND", "local")
    name = name.strip().lower() or "local"
    if name not in BACKENDS:
        source = "backend" if backend is not None else "CXONE_BACKEND"
        raise ValidationError(
            "CXone settings",
            [
                {
                    "loc": (source,),
                    "msg": f"is {name!r}; it must be 'local' (the engine in process) or 'cxone' (a CXone-compatible server)",
                    "type": "enum",
                    "input": name,
                }
            ],
        )
    return name


def _setting(given: Optional[str], env: str) -> Optional[str]:
    if given is not None:
        return given
    value = os.environ.get(env, "").strip()
    return value or None


class CXoneAuthManager:
    """Holds the API application's credentials and its access token.

    ``get_access_token()`` returns a cached token, fetching or refreshing it only when needed (60 s
    before it expires). With the local backend there is no server and so no token.

    Beyond the seed: ``backend`` (``"local"`` or ``"cxone"``), ``base_url`` and ``token_url`` override
    the environment; ``seed`` and ``replications`` fix the local engine's run.
    """

    def __init__(
        self,
        org_id: str,
        client_id: str,
        client_secret: str,
        *,
        backend: Optional[str] = None,
        base_url: Optional[str] = None,
        token_url: Optional[str] = None,
        seed: Optional[int] = None,
        replications: Optional[int] = None,
    ) -> None:
        self.org_id = org_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.backend = _backend_name(backend)
        base = _setting(base_url, "CXONE_BASE_URL") or f"https://{org_id}.my.cxone.com"
        self.base_url = base.rstrip("/")
        self.oauth_url = _setting(token_url, "CXONE_TOKEN_URL") or f"{self.base_url}/api/v2/oauth/token"
        if self.backend == "cxone":
            if seed is not None or replications is not None:
                raise ValidationError(
                    "CXone settings",
                    [
                        {
                            "loc": ("seed" if seed is not None else "replications",),
                            "msg": "applies to the local backend only; a server chooses its own",
                            "type": "value_error",
                        }
                    ],
                )
            self._native = _native.Backend.cxone(self.base_url, self.oauth_url, client_id, client_secret)
        else:
            self._native = _native.Backend.local(seed=seed, replications=replications)

    def get_access_token(self) -> str:
        """The current access token, from the cache while it is fresh.

        Raises :class:`CXoneError` when the token endpoint refuses (401: check the client id and
        secret) or cannot be reached, and with the local backend, which uses no token.
        """
        token = self._native.access_token()
        if token is None:
            raise CXoneError(
                "the local backend runs the engine in process and uses no access token",
                kind="local",
                hint="use backend='cxone' (or CXONE_BACKEND=cxone) to talk to a CXone-compatible server",
            )
        return token

    @property
    def token_fetches(self) -> int:
        """Token requests sent so far: how often the cache went to the server."""
        return self._native.token_fetches()

    def __repr__(self) -> str:
        return f"CXoneAuthManager(org_id={self.org_id!r}, client_id={self.client_id!r}, client_secret='[redacted]', backend={self.backend!r})"


class CXoneSimulationClient:
    """Submits simulations: ``submit_simulation(payload)`` returns the server's answer as a dict
    (``status``, ``campaignId``, ``simulationId``, ``predictiveDialerSettings``,
    ``simulationWindowMinutes``, ``predictedAccuracy``, ``metrics``, ``compliance``…).

    ``max_adjustments`` (default 1, as in the seed) bounds the probability adjustments.
    ``last_submission`` keeps what the last call took: ``attempts``, ``adjustments`` and
    ``answer_rate_requested``.
    """

    def __init__(self, auth: CXoneAuthManager, *, max_adjustments: int = 1) -> None:
        self.auth = auth
        self.base_url = f"{auth.base_url}/api/v2/outbound/campaigns"
        self.max_adjustments = max_adjustments
        self.last_submission: Dict[str, Any] = {}

    def submit_simulation(
        self, payload: Union[PredictiveSimulationPayload, Mapping[str, Any]]
    ) -> Dict[str, Any]:
        """Validates ``payload`` (every violation at once, as :class:`ValidationError`), sends the
        seed's simulate body and returns the answer. Raises :class:`CXoneError` on a failure that
        retries, token refreshes and adjustments could not fix."""
        payload = payload_of(payload)
        request = _native.simulate_request(payload.model_dump_json())
        self.last_submission = {}
        try:
            done = json.loads(
                self.auth._native.simulate(payload.campaign_id, request, self.max_adjustments)
            )
        except CXoneError as e:
            self.last_submission = {
                "attempts": e.attempts or 0,
                "adjustments": e.adjustments or 0,
                "answer_rate_requested": e.last_answer_rate,
            }
            raise
        self.last_submission = {k: done[k] for k in ("attempts", "adjustments", "answer_rate_requested")}
        response: Dict[str, Any] = done["response"]
        return response
