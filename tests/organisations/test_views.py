"""Organisation pages over HTTP."""

from __future__ import annotations

from sqlalchemy import select

from app.organisations.models import Municipality, Organisation, OrganisationKind
from tests.conftest import login, organisation


def test_an_admin_lists_searches_and_filters_organisations(admin_client):
    html = admin_client.get("/admin/organisations/?q=aalborg").get_data(as_text=True)
    assert "Jobcenter Aalborg" in html and "Jobcenter Odense" not in html
    html = admin_client.get("/admin/organisations/?kind=region").get_data(as_text=True)
    assert "Beskæftigelsesregion Syddanmark" in html and "Jobcenter Aalborg" not in html


def test_an_admin_creates_a_jobcentre_serving_municipalities(admin_client, db):
    odense = organisation(db, OrganisationKind.JOBCENTRE, "Jobcenter Odense")
    municipality = db.scalars(select(Municipality).where(Municipality.name == "Odense")).one()
    region_id, municipality_id, odense_id = odense.region_id, municipality.id, odense.id
    # Free Odense municipality first, through the edit form.
    assert (
        admin_client.post(
            f"/admin/organisations/{odense_id}/edit", data={"name": "Jobcenter Odense"}
        ).status_code
        == 302
    )
    response = admin_client.post(
        "/admin/organisations/new",
        data={
            "kind": "jobcentre",
            "name": "Jobcenter Fyn",
            "region_id": region_id,
            "municipalities": [municipality_id],
        },
    )
    assert response.status_code == 302
    db.expire_all()
    created = db.scalars(select(Organisation).where(Organisation.name == "Jobcenter Fyn")).one()
    assert [m.name for m in created.municipalities] == ["Odense"]
    detail = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Odense" in detail


def test_a_refused_organisation_shows_the_reason_and_stores_nothing(admin_client, db):
    response = admin_client.post(
        "/admin/organisations/new",
        data={"kind": "jobcentre", "name": "Jobcenter Ingen", "region_id": 0},
    )
    assert response.status_code == 409
    assert "Et jobcenter skal høre til en beskæftigelsesregion" in response.get_data(as_text=True)
    assert (
        db.scalars(select(Organisation).where(Organisation.name == "Jobcenter Ingen")).first()
        is None
    )


def test_an_unknown_organisation_is_a_404(admin_client):
    assert admin_client.get("/admin/organisations/999999").status_code == 404


def test_region_staff_see_their_own_region(client):
    login(client, "region.syddanmark@demo.dk")
    html = client.get("/region", follow_redirects=True).get_data(as_text=True)
    assert "Beskæftigelsesregion Syddanmark" in html
    assert "Jobcenter Odense" in html and "Jobcenter Aalborg" not in html
    assert "Dorte Direktør (Syddanmark)" in html


def test_the_ministry_sees_all_four_regions_with_their_jobcentre_counts(client):
    login(client, "ministeriet@demo.dk")
    html = client.get("/regions").get_data(as_text=True)
    for name, count in [("Nordjylland", 11), ("Midtjylland", 19), ("Syddanmark", 22)]:
        assert f"Beskæftigelsesregion {name}" in html
        assert f"<td>{count}</td>" in html
    assert "<td>46</td>" in html  # Hovedstaden og Sjælland


def test_jobcentre_staff_see_their_jobcentre(client):
    login(client, "jobcenter.koebenhavn@demo.dk")
    html = client.get("/jobcentre").get_data(as_text=True)
    assert "Jobcenter København" in html and "Beskæftigelsesregion Hovedstaden og Sjælland" in html


def test_another_regions_page_answers_404_to_region_staff_and_is_audited(client, db):
    from app.audit.models import AuditEntry

    nord = organisation(db, OrganisationKind.REGION, "Beskæftigelsesregion Nordjylland")
    syd = organisation(db, OrganisationKind.REGION, "Beskæftigelsesregion Syddanmark")
    nord_id, syd_id = nord.id, syd.id
    login(client, "region.syddanmark@demo.dk")
    assert client.get(f"/regions/{syd_id}").status_code == 200
    assert client.get(f"/regions/{nord_id}").status_code == 404
    client.post("/logout")
    login(client, "region.nordjylland@demo.dk")  # the same role, the other region
    assert client.get(f"/regions/{nord_id}").status_code == 200
    assert client.get(f"/regions/{syd_id}").status_code == 404
    refusals = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "access.refused").order_by(AuditEntry.seq)
    ).all()
    assert [(r.object_type, r.object_id) for r in refusals] == [
        ("organisations", nord_id),
        ("organisations", syd_id),
    ]


def test_a_jobcentre_is_not_a_region_page(client, db):
    aalborg = organisation(db, OrganisationKind.JOBCENTRE, "Jobcenter Aalborg")
    login(client, "ministeriet@demo.dk")
    assert client.get(f"/regions/{aalborg.id}").status_code == 404
