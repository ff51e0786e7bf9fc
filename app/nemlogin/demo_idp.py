"""A NemLog-in to try the real flow in the demo (APP_ENV=demo with NEMLOGIN_ENABLED, and no IdP
metadata configured): throwaway keys under instance/, IdP metadata pointing at /demo-idp, and a
page that plays NemLog-in. Pick a demo person; it posts a signed, encrypted assertion to the
platform's ACS, which checks it exactly as it checks NemLog-in's. Never outside the demo: the
pages answer 404 unless the demo IdP configured itself at start-up.
"""

from __future__ import annotations

import base64
import os
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode
from xml.sax.saxutils import escape, quoteattr

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from defusedxml import ElementTree
from flask import Blueprint, abort, current_app, redirect, render_template, request
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from app import clock
from app.auth.access import public
from app.config import INSTANCE_DIR
from app.nemlogin import saml
from app.nemlogin.services import PRIVILEGE_PREFIX

demo_idp_bp = Blueprint("demo_idp", __name__, url_prefix="/demo-idp")

AALBORG_KOMMUNE_CVR = "29189420"

#: The people the demo NemLog-in can sign in: the first two are linked to demo logins (see
#: app/demo/nemlogin.py), the others show what happens to someone new.
DEMO_PEOPLE: dict[str, dict[str, Any]] = {
    "supplier": {
        "label": "Leverandør: bruger hos Akademikerhuset ApS (kendt)",
        "uuid": "demo-uuid-leverandoer1",
        "cvr": "10000009",
        "org_name": "Akademikerhuset ApS",
        "name": "Leverandør 1",
        "email": "leverandoer1@demo.dk",
    },
    "jobcentre": {
        "label": "Jobcenter Aalborg: medarbejder (kendt)",
        "uuid": "demo-uuid-jobcenter-aalborg",
        "cvr": AALBORG_KOMMUNE_CVR,
        "org_name": "Aalborg Kommune",
        "name": "Jobcenter Aalborg",
        "email": "jobcenter.aalborg@demo.dk",
    },
    "jobcentre_privilege": {
        "label": "Jobcenter Aalborg: ny medarbejder med rettighed som jobcentermedarbejder",
        "uuid": "demo-uuid-ny-jobcenter-rettighed",
        "cvr": AALBORG_KOMMUNE_CVR,
        "org_name": "Aalborg Kommune",
        "name": "Nina Ny",
        "email": "nina.ny@aalborg.demo.dk",
        "privileges": [f"{PRIVILEGE_PREFIX}jobcentre_staff"],
    },
    "jobcentre_waiting": {
        "label": "Jobcenter Aalborg: ny medarbejder uden rettighed (venter på en rolle)",
        "uuid": "demo-uuid-ny-jobcenter",
        "cvr": AALBORG_KOMMUNE_CVR,
        "org_name": "Aalborg Kommune",
        "name": "Ole Ventende",
        "email": "ole.ventende@aalborg.demo.dk",
    },
    "colleague": {
        "label": "Akademikerhuset ApS: ny kollega (venter på bekræftelse)",
        "uuid": "demo-uuid-ny-kollega",
        "cvr": "10000009",
        "org_name": "Akademikerhuset ApS",
        "name": "Karla Kollega",
        "email": "karla.kollega@akademikerhuset.demo.dk",
    },
    "new_company": {
        "label": "Ny virksomhed: Demo Nyt Firma ApS (registrerer sig)",
        "uuid": "demo-uuid-nyt-firma",
        "cvr": "12345674",
        "org_name": "Demo Nyt Firma ApS",
        "name": "Frida Firma",
        "email": "frida@nytfirma.demo.dk",
    },
}


# --- the demo's own configuration ----------------------------------------------------------


def key_and_certificate(common_name: str) -> tuple[str, str]:
    """A fresh RSA key and a self-signed certificate for it, both PEM (throwaway: the demo's
    and the tests' IdP and SP)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime(2020, 1, 1, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * 30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def _pair(folder: Path, name: str) -> tuple[str, str]:
    """The key and certificate kept in folder/name.pem, made once. Several workers may start
    at the same moment: each writes its own file and links it into place; the first one wins
    and everybody reads that one, so all of them use the same key."""
    path = folder / f"{name}.pem"
    if not path.exists():
        key, cert = key_and_certificate(f"rammeudbud-demo-{name}")
        mine = folder / f".{name}.{uuid.uuid4().hex}.pem"
        mine.write_text(key + cert)
        mine.chmod(0o600)
        try:
            os.link(mine, path)
        except FileExistsError:
            pass
        finally:
            mine.unlink()
    pem = path.read_text()
    split = pem.index("-----BEGIN CERTIFICATE-----")
    return pem[:split], pem[split:]


def bare_certificate(cert_pem: str) -> str:
    """A PEM certificate's base64 body, as metadata's X509Certificate holds it."""
    return "".join(line for line in cert_pem.splitlines() if "CERTIFICATE" not in line)


def configure(config: dict) -> None:
    """In the demo with NemLog-in on, the demo IdP asked for (NEMLOGIN_DEMO_IDP, which the
    configuration refuses outside development, demo and testing) and no IdP configured, set up
    the demo IdP's keys, metadata and the SP's settings under instance/ (throwaway, made on
    first start)."""
    if config.get("APP_ENV") != "demo" or not config.get("NEMLOGIN_ENABLED"):
        return
    if not config.get("NEMLOGIN_DEMO_IDP"):
        return
    if config.get("NEMLOGIN_IDP_METADATA_FILE"):
        return  # a real NemLog-in (or a test IdP) is configured
    folder = Path(config.get("NEMLOGIN_DEMO_DIR") or INSTANCE_DIR / "nemlogin-demo")
    folder.mkdir(parents=True, exist_ok=True)
    sp_key, sp_cert = _pair(folder, "sp")
    idp_key, idp_cert = _pair(folder, "idp")
    base = config["BASE_URL"].rstrip("/")
    metadata = folder / "idp-metadata.xml"
    mine = folder / f".idp-metadata.{uuid.uuid4().hex}.xml"
    mine.write_text(_idp_metadata(base, idp_cert))
    mine.replace(metadata)  # atomic: a worker starting now reads a whole file
    config.update(
        {
            "NEMLOGIN_SP_ENTITY_ID": config.get("NEMLOGIN_SP_ENTITY_ID") or base + "/nemlogin",
            "NEMLOGIN_SP_KEY": sp_key,
            "NEMLOGIN_SP_CERT": sp_cert,
            "NEMLOGIN_IDP_METADATA_FILE": str(metadata),
            "NEMLOGIN_DEMO_IDP_KEY": idp_key,
            "NEMLOGIN_DEMO_IDP_CERT": idp_cert,
        }
    )


def _entity_id(base: str) -> str:
    return base + "/demo-idp"


def _idp_metadata(base: str, cert_pem: str) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{_entity_id(base)}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true"
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{
        bare_certificate(cert_pem)
    }</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{base}/demo-idp/slo"/>
    <md:NameIDFormat>{saml.NAME_ID_PERSISTENT}</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{base}/demo-idp/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


# --- playing NemLog-in -----------------------------------------------------------------------


def _require_demo() -> dict:
    config = current_app.config
    if config.get("APP_ENV") != "demo" or not config.get("NEMLOGIN_DEMO_IDP"):
        abort(404)
    return config


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_id() -> str:
    return "_" + uuid.uuid4().hex


def _signed_query_is_valid(config: dict, kind: str) -> bool:
    """The SP's redirect-binding signature over the query as sent."""
    raw = request.query_string.decode("latin-1")
    parts = dict(part.split("=", 1) for part in raw.split("&") if "=" in part)
    if "Signature" not in parts or "SigAlg" not in parts or kind not in parts:
        return False
    signed = "&".join(f"{k}={parts[k]}" for k in (kind, "RelayState", "SigAlg") if k in parts)
    return OneLogin_Saml2_Utils.validate_binary_sign(
        signed,
        base64.b64decode(request.args["Signature"]),
        config["NEMLOGIN_SP_CERT"],
        request.args["SigAlg"],
    )


def _read_message(kind: str):
    xml = zlib.decompress(base64.b64decode(request.args[kind]), -15)
    return ElementTree.fromstring(xml)


@demo_idp_bp.route("/sso", methods=["GET", "POST"])
@public
def sso():
    config = _require_demo()
    if request.method == "GET":
        if "SAMLRequest" not in request.args or not _signed_query_is_valid(config, "SAMLRequest"):
            abort(400)
        authn_request = _read_message("SAMLRequest")
        return render_template(
            "nemlogin/demo_idp.html",
            people=DEMO_PEOPLE,
            request_id=authn_request.get("ID"),
            relay_state=request.args.get("RelayState", ""),
        )
    person = DEMO_PEOPLE.get(request.form.get("person", ""))
    request_id = request.form.get("request_id", "")
    if person is None or not request_id:
        abort(400)
    return render_template(
        "nemlogin/demo_idp_post.html",
        acs=saml.acs_url(config),
        saml_response=_response(config, person, request_id),
        relay_state=request.form.get("relay_state", ""),
        person=person,
    )


@demo_idp_bp.get("/slo")
@public
def slo():
    """The SP's LogoutRequest: answered with a signed LogoutResponse."""
    config = _require_demo()
    if "SAMLRequest" not in request.args or not _signed_query_is_valid(config, "SAMLRequest"):
        abort(400)
    logout_request = _read_message("SAMLRequest")
    base = config["BASE_URL"].rstrip("/")
    xml = f"""<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{_new_id()}" Version="2.0"
 IssueInstant="{_time(clock.now())}" Destination="{base}{saml.SLO_PATH}"
 InResponseTo={quoteattr(logout_request.get("ID", ""))}>
 <saml:Issuer>{_entity_id(base)}</saml:Issuer><samlp:Status><samlp:StatusCode
 Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"""
    query = "SAMLResponse=" + quote_plus(OneLogin_Saml2_Utils.deflate_and_base64_encode(xml))
    if request.args.get("RelayState"):
        query += "&" + urlencode({"RelayState": request.args["RelayState"]})
    query += "&SigAlg=" + quote_plus(OneLogin_Saml2_Constants.RSA_SHA256)
    key = config["NEMLOGIN_DEMO_IDP_KEY"]
    signature = base64.b64encode(OneLogin_Saml2_Utils.sign_binary(query, key)).decode()
    return redirect(f"{base}{saml.SLO_PATH}?{query}&Signature={quote_plus(signature)}")


def _attribute(name: str, value: str) -> str:
    return (
        f'<saml:Attribute Name="{name}" NameFormat="{saml.NAME_FORMAT_URI}">'
        f"<saml:AttributeValue>{escape(value)}</saml:AttributeValue></saml:Attribute>"
    )


def _privileges(cvr: str, privileges: list[str]) -> str:
    items = "".join(f"<Privilege>{escape(p)}</Privilege>" for p in privileges)
    xml = (
        '<bpp:PrivilegeList xmlns:bpp="http://digst.dk/oiosaml/basic_privilege_profile">'
        f'<PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:{cvr}">{items}'
        "</PrivilegeGroup></bpp:PrivilegeList>"
    )
    return base64.b64encode(xml.encode()).decode()


def _response(config: dict, person: dict, request_id: str) -> str:
    """A base64 SAMLResponse: the assertion signed, then encrypted for the SP; the response
    signed, all with python3-saml and xmlsec, as NemLog-in would send it."""
    base = config["BASE_URL"].rstrip("/")
    key, cert = config["NEMLOGIN_DEMO_IDP_KEY"], config["NEMLOGIN_DEMO_IDP_CERT"]
    now = clock.now()
    until = _time(now + timedelta(minutes=5))
    acs = saml.acs_url(config)
    attributes = [
        _attribute(saml.ATTR_SPEC_VERSION, saml.SPEC_VERSION),
        _attribute(saml.ATTR_LOA, "Substantial"),
        _attribute(saml.ATTR_UUID, person["uuid"]),
        _attribute(saml.ATTR_CVR, person["cvr"]),
        _attribute(saml.ATTR_ORG_NAME, person["org_name"]),
        _attribute(saml.ATTR_FULL_NAME, person["name"]),
        _attribute(saml.ATTR_EMAIL, person["email"]),
    ]
    if person.get("privileges"):
        attributes.append(
            _attribute(saml.ATTR_PRIVILEGES, _privileges(person["cvr"], person["privileges"]))
        )
    irt = quoteattr(request_id)
    assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 ID="{_new_id()}" Version="2.0" IssueInstant="{_time(now)}">
 <saml:Issuer>{_entity_id(base)}</saml:Issuer>
 <saml:Subject>
 <saml:NameID Format="{saml.NAME_ID_PERSISTENT}">{escape(person["uuid"])}</saml:NameID>
 <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
 <saml:SubjectConfirmationData InResponseTo={irt} NotOnOrAfter="{until}" Recipient="{acs}"/>
 </saml:SubjectConfirmation></saml:Subject>
 <saml:Conditions NotBefore="{_time(now - timedelta(seconds=5))}" NotOnOrAfter="{until}">
 <saml:AudienceRestriction><saml:Audience>{escape(config["NEMLOGIN_SP_ENTITY_ID"])}</saml:Audience>
 </saml:AudienceRestriction></saml:Conditions>
 <saml:AuthnStatement AuthnInstant="{_time(now)}" SessionIndex="{_new_id()}"><saml:AuthnContext>
 <saml:AuthnContextClassRef>{saml.LOA_SUBSTANTIAL_CONTEXT}</saml:AuthnContextClassRef>
 </saml:AuthnContext></saml:AuthnStatement>
 <saml:AttributeStatement>{"".join(attributes)}</saml:AttributeStatement></saml:Assertion>"""
    signed = OneLogin_Saml2_Utils.add_sign(assertion, key, cert)
    encrypted = _encrypt(signed, config["NEMLOGIN_SP_CERT"])
    response = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{_new_id()}" Version="2.0"
 IssueInstant="{_time(now)}" Destination="{acs}" InResponseTo={irt}>
 <saml:Issuer>{_entity_id(base)}</saml:Issuer>
 <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
 {encrypted}</samlp:Response>"""
    signed_response = OneLogin_Saml2_Utils.add_sign(response, key, cert)
    if isinstance(signed_response, str):
        signed_response = signed_response.encode()
    return base64.b64encode(signed_response).decode()


def _encrypt(assertion_xml: str | bytes, sp_cert: str) -> str:
    """An EncryptedAssertion for the SP's certificate (AES-256-CBC, the key by RSA-OAEP)."""
    wrapper = etree.fromstring(
        b'<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>'
    )
    data = assertion_xml.encode() if isinstance(assertion_xml, str) else assertion_xml
    assertion = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    wrapper.append(assertion)
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_memory(sp_cert, xmlsec.KeyFormat.CERT_PEM, None))
    template = xmlsec.template.encrypted_data_create(
        wrapper, xmlsec.Transform.AES256, type=xmlsec.EncryptionType.ELEMENT, ns="xenc"
    )
    xmlsec.template.encrypted_data_ensure_cipher_value(template)
    key_info = xmlsec.template.encrypted_data_ensure_key_info(template, ns="dsig")
    encrypted_key = xmlsec.template.add_encrypted_key(key_info, xmlsec.Transform.RSA_OAEP)
    xmlsec.template.encrypted_data_ensure_cipher_value(encrypted_key)
    context = xmlsec.EncryptionContext(manager)
    context.key = xmlsec.Key.generate(xmlsec.KeyData.AES, 256, xmlsec.KeyDataType.SESSION)
    context.encrypt_xml(template, assertion)
    return etree.tostring(wrapper).decode()
