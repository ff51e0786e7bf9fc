"""Sign-in through NemLog-in (MitID Erhverv) with SAML 2.0 under the OIOSAML 3 profile."""
