"""The SAML 2.0 service provider's settings, following the OIOSAML 3 profile, built from config.

python3-saml does the XML, the signatures and the encryption; this module only says what the
profile asks of it: signed AuthnRequests and logout messages (RSA-SHA256, SHA-256 digests),
signed and encrypted assertions, signed messages, strict checking, and the NSIS level of
assurance "Substantial" requested (and checked again on the answer, in services.py).

Time: python3-saml judges NotBefore/NotOnOrAfter by `OneLogin_Saml2_Utils.now()`, the wall
clock. `configure` routes it through `app.clock`, the one clock the platform and its tests
move, and sets the clock skew allowed on the assertion's conditions from configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from app import clock
from app.config import ConfigurationError

# --- the OIOSAML 3 vocabulary ---------------------------------------------------------------
ATTR_UUID = "https://data.gov.dk/model/core/eid/professional/uuid/persistent"
ATTR_CVR = "https://data.gov.dk/model/core/eid/professional/cvr"
ATTR_ORG_NAME = "https://data.gov.dk/model/core/eid/professional/orgName"
ATTR_FULL_NAME = "https://data.gov.dk/model/core/eid/fullName"
ATTR_EMAIL = "https://data.gov.dk/model/core/eid/email"
ATTR_LOA = "https://data.gov.dk/concept/core/nsis/loa"
ATTR_PRIVILEGES = "https://data.gov.dk/model/core/eid/privilegesIntermediate"
ATTR_SPEC_VERSION = "https://data.gov.dk/model/core/specVersion"
SPEC_VERSION = "OIO-SAML-3.0"

#: The NSIS level asked for in the AuthnRequest (at least this one), as NemLog-in names the
#: levels for an AuthnContextClassRef (…/nsis/loa/Low, …/Substantial, …/High).
LOA_SUBSTANTIAL_CONTEXT = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
#: The levels the loa attribute may carry, weakest first; below Substantial is refused.
LOA_LEVELS = ("Low", "Substantial", "High")
LOA_REQUIRED = "Substantial"

NAME_ID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"

#: What the platform asks NemLog-in for (the SP metadata lists them). Never the CPR number.
REQUESTED_ATTRIBUTES = (
    (ATTR_SPEC_VERSION, True),
    (ATTR_LOA, True),
    (ATTR_UUID, True),
    (ATTR_CVR, True),
    (ATTR_ORG_NAME, True),
    (ATTR_FULL_NAME, True),
    (ATTR_EMAIL, True),
    (ATTR_PRIVILEGES, False),
)

ACS_PATH = "/nemlogin/acs"
SLO_PATH = "/nemlogin/slo"


def configure(config: Mapping[str, Any]) -> None:
    """Judge validity times by app.clock, with the configured skew (once, at app creation)."""
    OneLogin_Saml2_Utils.now = staticmethod(_now)
    OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT = config.get("NEMLOGIN_CLOCK_SKEW_SECONDS", 30)
    if config.get("NEMLOGIN_ENABLED"):
        settings(config)  # a configuration that cannot work stops the start, not a sign-in


def _now() -> int:
    """python3-saml's idea of now (whole seconds since the epoch), from the one clock."""
    return int(clock.now().timestamp())


def _read(config: Mapping[str, Any], name: str) -> str:
    """A PEM from the variable itself or from the file the *_FILE variable names."""
    value = config.get(name)
    path = config.get(f"{name}_FILE")
    if not value and path:
        value = Path(path).read_text()
    if not value:
        raise ConfigurationError(f"{name} or {name}_FILE must be set when NEMLOGIN_ENABLED.")
    return value


def settings_dict(config: Mapping[str, Any]) -> dict:
    """The python3-saml settings for this platform as the service provider."""
    entity_id = config.get("NEMLOGIN_SP_ENTITY_ID")
    metadata_file = config.get("NEMLOGIN_IDP_METADATA_FILE")
    if not entity_id or not metadata_file:
        raise ConfigurationError(
            "NEMLOGIN_SP_ENTITY_ID and NEMLOGIN_IDP_METADATA_FILE must be set when "
            "NEMLOGIN_ENABLED."
        )
    idp = _idp_settings(Path(metadata_file).read_text())
    base = config["BASE_URL"].rstrip("/")
    return {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": entity_id,
            "assertionConsumerService": {
                "url": base + ACS_PATH,
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_POST,
            },
            "singleLogoutService": {
                "url": base + SLO_PATH,
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
            },
            "attributeConsumingService": {
                "serviceName": "Rammeudbud",
                "requestedAttributes": [
                    {"name": name, "isRequired": required, "nameFormat": NAME_FORMAT_URI}
                    for name, required in REQUESTED_ATTRIBUTES
                ],
            },
            "NameIDFormat": NAME_ID_PERSISTENT,
            "x509cert": _read(config, "NEMLOGIN_SP_CERT"),
            "privateKey": _read(config, "NEMLOGIN_SP_KEY"),
        },
        "idp": idp,
        "security": {
            "nameIdEncrypted": False,
            "authnRequestsSigned": True,
            "logoutRequestSigned": True,
            "logoutResponseSigned": True,
            "signMetadata": False,
            "wantMessagesSigned": True,
            "wantAssertionsSigned": True,
            "wantAssertionsEncrypted": True,
            "wantNameId": True,
            "wantNameIdEncrypted": False,
            "wantAttributeStatement": True,
            "requestedAuthnContext": [LOA_SUBSTANTIAL_CONTEXT],
            "requestedAuthnContextComparison": "minimum",
            "failOnAuthnContextMismatch": False,
            "signatureAlgorithm": OneLogin_Saml2_Constants.RSA_SHA256,
            "digestAlgorithm": OneLogin_Saml2_Constants.SHA256,
            "rejectDeprecatedAlgorithm": True,
            "rejectUnsolicitedResponsesWithInResponseTo": True,
            "allowRepeatAttributeName": False,
        },
    }


NAME_FORMAT_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"


@lru_cache(maxsize=4)
def _idp_settings(metadata_xml: str) -> dict:
    parsed = OneLogin_Saml2_IdPMetadataParser.parse(
        metadata_xml,
        required_sso_binding=OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
        required_slo_binding=OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
    )
    idp = parsed.get("idp")
    if not idp or not idp.get("entityId"):
        raise ConfigurationError("NEMLOGIN_IDP_METADATA_FILE holds no IdP entity.")
    return idp


def settings(config: Mapping[str, Any]) -> OneLogin_Saml2_Settings:
    return OneLogin_Saml2_Settings(settings_dict(config), sp_validation_only=False)


def request_data(config: Mapping[str, Any], path: str, args, form, query_string: str) -> dict:
    """The request as python3-saml wants it, with the scheme and host from BASE_URL (not the
    request's Host header), so Destination and Recipient are checked against our own address."""
    base = urlsplit(config["BASE_URL"])
    return {
        "https": "on" if base.scheme == "https" else "off",
        "http_host": base.netloc,
        "script_name": base.path.rstrip("/") + path,
        "get_data": dict(args.items()),
        "post_data": dict(form.items()),
        "query_string": query_string,
        # A redirect-binding signature is checked over the query exactly as it was sent.
        "validate_signature_from_qs": True,
    }


def auth_for(config: Mapping[str, Any], data: dict) -> OneLogin_Saml2_Auth:
    return OneLogin_Saml2_Auth(data, old_settings=settings(config))


def metadata_xml(config: Mapping[str, Any]) -> str:
    """The SP's metadata, refused here if python3-saml finds it invalid."""
    sp_settings = settings(config)
    xml = sp_settings.get_sp_metadata()
    errors = sp_settings.validate_metadata(xml)
    if errors:
        raise ConfigurationError(f"The SP metadata is not valid: {', '.join(errors)}")
    return xml.decode() if isinstance(xml, bytes) else xml


def acs_url(config: Mapping[str, Any]) -> str:
    return config["BASE_URL"].rstrip("/") + ACS_PATH


def addressed_elsewhere(config: Mapping[str, Any], auth: OneLogin_Saml2_Auth) -> str | None:
    """What is wrong with the addresses of a response python3-saml accepted, or None.

    python3-saml compares the Destination by prefix and the Recipient as a substring; a
    response for this platform names our ACS URL exactly, in both places."""
    document = auth.get_last_response_xml()
    root = OneLogin_Saml2_XML.to_etree(document)
    expected = acs_url(config)
    if root.get("Destination") != expected:
        return f"Destination {root.get('Destination')!r} is not {expected!r}"
    recipients = [
        data.get("Recipient")
        for data in OneLogin_Saml2_XML.query(
            root,
            "/samlp:Response/saml:Assertion/saml:Subject/saml:SubjectConfirmation"
            "/saml:SubjectConfirmationData",
        )
    ]
    if not recipients or any(recipient != expected for recipient in recipients):
        return f"Recipient {recipients!r} is not {expected!r}"
    return None
