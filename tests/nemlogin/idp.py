"""A NemLog-in of our own for the tests: a throwaway key and certificate, IdP metadata, and
responses signed (and encrypted) with python3-saml and xmlsec, never string-faked signatures."""

from __future__ import annotations

import base64
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote_plus, urlsplit
from xml.sax.saxutils import escape

import xmlsec
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from app import clock
from app.nemlogin import saml
from app.nemlogin.demo_idp import bare_certificate, key_and_certificate

IDP_ENTITY_ID = "https://test-idp.nemlogin.example/idp"
SSO_URL = "https://test-idp.nemlogin.example/sso"
SLO_URL = "https://test-idp.nemlogin.example/slo"
SP_ENTITY_ID = "https://rammeudbud.example/sp"
BASE_URL = "http://localhost"
ACS_URL = BASE_URL + saml.ACS_PATH


def idp_metadata(cert_pem: str) -> str:
    cert = bare_certificate(cert_pem)
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP_ENTITY_ID}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true"
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{SLO_URL}"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{SSO_URL}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def _saml_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_id() -> str:
    return "_" + uuid.uuid4().hex


@dataclass
class Person:
    """Who NemLog-in says signed in."""

    uuid: str
    cvr: str
    org_name: str
    name: str
    email: str
    loa: str = "Substantial"
    privileges: list[str] = field(default_factory=list)
    cpr: str | None = None


def privileges_xml(cvr: str, privileges: list[str]) -> str:
    items = "".join(f"<Privilege>{escape(p)}</Privilege>" for p in privileges)
    return (
        '<bpp:PrivilegeList xmlns:bpp="http://digst.dk/oiosaml/basic_privilege_profile">'
        f'<PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:{cvr}">{items}'
        "</PrivilegeGroup></bpp:PrivilegeList>"
    )


def _attribute(name: str, value: str) -> str:
    return (
        f'<saml:Attribute Name="{name}" NameFormat="{saml.NAME_FORMAT_URI}">'
        f"<saml:AttributeValue>{escape(value)}</saml:AttributeValue></saml:Attribute>"
    )


class TestIdP:
    """Plays NemLog-in: reads our AuthnRequests, answers with signed, encrypted responses."""

    __test__ = False

    def __init__(self, sp_cert: str) -> None:
        self.key, self.cert = key_and_certificate("test-idp")
        self.other_key, self.other_cert = key_and_certificate("someone-else")
        self.sp_cert = sp_cert
        self.metadata = idp_metadata(self.cert)

    # --- what the SP sent ----------------------------------------------------------------
    @staticmethod
    def read_redirect(location: str) -> tuple[etree._Element, dict]:
        """The SAML message and the query of a redirect to the IdP."""
        query = parse_qs(urlsplit(location).query)
        message = query.get("SAMLRequest") or query.get("SAMLResponse")
        xml = zlib.decompress(base64.b64decode(message[0]), -15)
        return etree.fromstring(xml), {k: v[0] for k, v in query.items()}

    def redirect_signature_is_valid(self, location: str) -> bool:
        raw = urlsplit(location).query
        parts = dict(p.split("=", 1) for p in raw.split("&"))
        kind = "SAMLRequest" if "SAMLRequest" in parts else "SAMLResponse"
        signed = "&".join(f"{k}={parts[k]}" for k in (kind, "RelayState", "SigAlg") if k in parts)
        signature = base64.b64decode(parse_qs(raw)["Signature"][0])
        return OneLogin_Saml2_Utils.validate_binary_sign(
            signed, signature, self.sp_cert, parse_qs(raw)["SigAlg"][0]
        )

    # --- the answer ------------------------------------------------------------------------
    def response(
        self,
        person: Person,
        in_response_to: str | None,
        *,
        assertion_id: str | None = None,
        not_before: datetime | None = None,
        not_on_or_after: datetime | None = None,
        audience: str = SP_ENTITY_ID,
        recipient: str = ACS_URL,
        destination: str = ACS_URL,
        sign_assertion: bool = True,
        sign_response: bool = True,
        signing_key: tuple[str, str] | None = None,
        encrypt: bool = True,
        alter_after_signing: bool = False,
    ) -> str:
        """A base64 SAMLResponse as NemLog-in would post it."""
        now = clock.now()
        not_before = not_before or now - timedelta(seconds=5)
        not_on_or_after = not_on_or_after or now + timedelta(minutes=5)
        key, cert = signing_key or (self.key, self.cert)
        assertion_id = assertion_id or _new_id()
        irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
        attributes = [
            _attribute(saml.ATTR_SPEC_VERSION, saml.SPEC_VERSION),
            _attribute(saml.ATTR_LOA, person.loa),
            _attribute(saml.ATTR_UUID, person.uuid),
            _attribute(saml.ATTR_CVR, person.cvr),
            _attribute(saml.ATTR_ORG_NAME, person.org_name),
            _attribute(saml.ATTR_FULL_NAME, person.name),
            _attribute(saml.ATTR_EMAIL, person.email),
        ]
        if person.privileges:
            encoded = base64.b64encode(
                privileges_xml(person.cvr, person.privileges).encode()
            ).decode()
            attributes.append(_attribute(saml.ATTR_PRIVILEGES, encoded))
        if person.cpr:
            attributes.append(
                _attribute("https://data.gov.dk/model/core/eid/cprNumber", person.cpr)
            )
        assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="{assertion_id}" Version="2.0"
 IssueInstant="{_saml_time(now)}"><saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer><saml:Subject><saml:NameID
 Format="{saml.NAME_ID_PERSISTENT}">{person.uuid}</saml:NameID><saml:SubjectConfirmation
 Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData{irt}
 NotOnOrAfter="{_saml_time(not_on_or_after)}" Recipient="{recipient}"/></saml:SubjectConfirmation>
 </saml:Subject><saml:Conditions NotBefore="{_saml_time(not_before)}"
 NotOnOrAfter="{_saml_time(not_on_or_after)}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience>
 </saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{_saml_time(now)}"
 SessionIndex="{_new_id()}"><saml:AuthnContext><saml:AuthnContextClassRef>{saml.LOA_SUBSTANTIAL_CONTEXT}</saml:AuthnContextClassRef>
 </saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{"".join(attributes)}</saml:AttributeStatement>
 </saml:Assertion>"""
        if sign_assertion:
            assertion = OneLogin_Saml2_Utils.add_sign(assertion, key, cert)
            if isinstance(assertion, bytes):
                assertion = assertion.decode()
        if alter_after_signing:
            altered = assertion.replace(person.email, "someone.else@example.com")
            assert altered != assertion, "nothing to alter"
            assertion = altered
        if encrypt:
            assertion = self._encrypt(assertion)
        response = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{_new_id()}" Version="2.0"
 IssueInstant="{_saml_time(now)}" Destination="{destination}"{irt}>
 <saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer>
 <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
 {assertion}</samlp:Response>"""
        if sign_response:
            response = OneLogin_Saml2_Utils.add_sign(response, key, cert)
            if isinstance(response, bytes):
                response = response.decode()
        return base64.b64encode(response.encode()).decode()

    def _encrypt(self, assertion_xml: str) -> str:
        """The assertion as an EncryptedAssertion for the SP's certificate (AES-256, RSA-OAEP)."""
        wrapper = etree.fromstring(
            '<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>'
        )
        assertion = etree.fromstring(assertion_xml.encode())
        wrapper.append(assertion)
        manager = xmlsec.KeysManager()
        manager.add_key(xmlsec.Key.from_memory(self.sp_cert, xmlsec.KeyFormat.CERT_PEM, None))
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

    # --- logout --------------------------------------------------------------------------
    def _signed_redirect(self, kind: str, xml: str, relay_state: str | None = None) -> str:
        encoded = OneLogin_Saml2_Utils.deflate_and_base64_encode(xml)
        query = f"{kind}={quote_plus(encoded)}"
        if relay_state:
            query += f"&RelayState={quote_plus(relay_state)}"
        query += f"&SigAlg={quote_plus(OneLogin_Saml2_Constants.RSA_SHA256)}"
        signature = OneLogin_Saml2_Utils.sign_binary(query, self.key)
        return query + "&Signature=" + quote_plus(base64.b64encode(signature).decode())

    def logout_request(self, name_id: str, session_index: str | None = None) -> str:
        """The query of an IdP-initiated LogoutRequest to the SP's /nemlogin/slo."""
        index = f"<samlp:SessionIndex>{session_index}</samlp:SessionIndex>" if session_index else ""
        xml = f"""<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{_new_id()}" Version="2.0"
 IssueInstant="{_saml_time(clock.now())}" Destination="{BASE_URL}{saml.SLO_PATH}"
 NotOnOrAfter="{_saml_time(clock.now() + timedelta(minutes=5))}">
 <saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer><saml:NameID
 Format="{saml.NAME_ID_PERSISTENT}">{name_id}</saml:NameID>{index}</samlp:LogoutRequest>"""
        return self._signed_redirect("SAMLRequest", xml)

    def logout_response(self, in_response_to: str) -> str:
        """The query of the IdP's answer to the SP's LogoutRequest."""
        xml = f"""<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{_new_id()}" Version="2.0"
 IssueInstant="{_saml_time(clock.now())}" Destination="{BASE_URL}{saml.SLO_PATH}"
 InResponseTo="{in_response_to}"><saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer><samlp:Status><samlp:StatusCode
 Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:LogoutResponse>"""
        return self._signed_redirect("SAMLResponse", xml)
