"""The SP's metadata, and NemLog-in off unless configured."""

from __future__ import annotations

import pytest
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from app.config import ConfigurationError
from app.nemlogin import saml
from tests.nemlogin.idp import ACS_URL, SP_ENTITY_ID


def test_the_metadata_names_our_entity_our_addresses_and_what_we_ask_for(client):
    response = client.get("/nemlogin/metadata")
    assert response.status_code == 200
    assert response.mimetype == "application/samlmetadata+xml"
    xml = response.get_data(as_text=True)
    assert f'entityID="{SP_ENTITY_ID}"' in xml
    assert f'Location="{ACS_URL}"' in xml
    assert 'AuthnRequestsSigned="true"' in xml and 'WantAssertionsSigned="true"' in xml
    assert 'use="signing"' in xml and 'use="encryption"' in xml
    for name, _required in saml.REQUESTED_ATTRIBUTES:
        assert name in xml
    assert "cprNumber" not in xml


def test_the_metadata_is_valid_for_python3_saml(app, client):
    xml = client.get("/nemlogin/metadata").get_data()
    settings = OneLogin_Saml2_Settings(saml.settings_dict(app.config))
    assert settings.validate_metadata(xml) == []


def test_requests_are_signed_with_sha256_and_assertions_must_be_signed_and_encrypted(app):
    security = saml.settings_dict(app.config)["security"]
    assert security["authnRequestsSigned"] and security["wantAssertionsSigned"]
    assert security["wantAssertionsEncrypted"] and security["wantMessagesSigned"]
    assert security["signatureAlgorithm"].endswith("rsa-sha256")
    assert security["digestAlgorithm"].endswith("sha256")
    assert saml.settings_dict(app.config)["strict"] is True


@pytest.mark.parametrize(
    "path",
    ["/nemlogin/metadata", "/nemlogin/login", "/nemlogin/slo", "/nemlogin/waiting"],
)
def test_nemlogin_is_off_unless_enabled(app, client, monkeypatch, path):
    monkeypatch.setitem(app.config, "NEMLOGIN_ENABLED", False)
    assert client.get(path).status_code == 404
    assert client.post("/nemlogin/acs", data={"SAMLResponse": "x"}).status_code == 404


def test_off_is_the_default():
    from app.config import from_environment

    assert from_environment({"APP_ENV": "testing", "SECRET_KEY": "x"})["NEMLOGIN_ENABLED"] is False


def test_enabled_without_its_settings_stops_the_start():
    with pytest.raises(ConfigurationError, match="NEMLOGIN_SP_ENTITY_ID"):
        saml.configure({"NEMLOGIN_ENABLED": True, "BASE_URL": "https://x.example"})


def test_a_key_can_come_from_a_file(app, tmp_path, sp_key_and_cert):
    key_file = tmp_path / "sp.key"
    key_file.write_text(sp_key_and_cert[0])
    config = {**app.config, "NEMLOGIN_SP_KEY": None, "NEMLOGIN_SP_KEY_FILE": str(key_file)}
    assert saml.settings_dict(config)["sp"]["privateKey"] == sp_key_and_cert[0]
