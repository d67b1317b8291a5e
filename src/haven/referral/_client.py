"""The sending side's HTTP client: POSTs a sealed package to a partner's inbox."""

from __future__ import annotations

import httpx

from haven.referral._errors import DeliveryFailed
from haven.referral._keys import PartnerCard
from haven.referral._package import Acknowledgement, SealedPackage

__all__ = ["INBOX_PATH", "TransnationalClient"]

INBOX_PATH = "/api/transnational/inbox"


class TransnationalClient:
    """Delivers packages over HTTP(S); pass an `httpx.Client` to set TLS, proxies, timeouts."""

    def __init__(self, http: httpx.Client | None = None, *, timeout: float = 15.0) -> None:
        self._http = http or httpx.Client(timeout=timeout)

    def deliver(self, partner: PartnerCard, package: SealedPackage) -> Acknowledgement:
        url = partner.endpoint + INBOX_PATH
        try:
            response = self._http.post(url, json=package.model_dump(mode="json"))
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"partner {partner.installation_id} could not be reached "
                                 f"({type(error).__name__})") from None
        if response.status_code != 201:
            try:
                code = str(response.json().get("error", ""))[:60]
            except ValueError:
                code = ""
            raise DeliveryFailed(f"partner {partner.installation_id} refused package "
                                 f"{package.package_id}: {response.status_code} {code}".strip())
        try:
            return Acknowledgement.model_validate(response.json())
        except ValueError:
            raise DeliveryFailed(f"partner {partner.installation_id} sent no valid "
                                 "acknowledgement") from None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TransnationalClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
