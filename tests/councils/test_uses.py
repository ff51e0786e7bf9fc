"""The register of spent decisions asks the domains that registered with it (issue 18)."""

from __future__ import annotations

import pytest

from app.councils import uses


def test_every_domain_that_spends_a_decision_has_registered(app):
    assert sorted(uses.spenders()) == ["agreements", "followup", "grants", "knowledge", "tenders"]


def test_a_domain_registering_again_replaces_what_it_registered(app, monkeypatch):
    monkeypatch.setattr(uses, "_spenders", dict(uses._spenders))
    uses.register_spender("tenders", uses._spenders["tenders"])
    assert sorted(uses.spenders()) == ["agreements", "followup", "grants", "knowledge", "tenders"]


def test_the_register_refuses_to_answer_when_no_domain_registered(monkeypatch):
    monkeypatch.setattr(uses, "_spenders", {})
    with pytest.raises(RuntimeError):
        uses.spent_decisions()
