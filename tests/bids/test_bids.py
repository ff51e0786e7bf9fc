"""The rules of a bid: open until the deadline to the second, complete, compliant, sealed."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app import clock
from app.bids import sealing, services
from app.bids.models import Bid, BidState, BidVersion
from app.core.errors import DomainError, NotAllowed
from app.files.services import MAX_FILE_BYTES
from app.suppliers.models import Supplier, SupplierState
from app.tenders import services as tenders
from tests.bids.conftest import BIDDER, RIVAL, Attachment, content, not_open, submit
from tests.conftest import user
from tests.tenders.conftest import NOW, staff


def _versions(db):
    return db.scalar(select(func.count()).select_from(BidVersion))


def test_a_bid_gets_the_exact_server_time_and_a_fingerprint_of_its_content(db, tender):
    version = submit(db, tender)
    assert version.received_at == NOW
    payload = services.read_for_supplier(user(db, BIDDER), version.bid, version)
    expected = hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert version.fingerprint == expected


def test_a_bid_one_microsecond_before_the_deadline_is_received(db, tender):
    with clock.frozen_at(tender.bid_deadline - timedelta(microseconds=1)):
        assert submit(db, tender).received_at < tender.bid_deadline


@pytest.mark.parametrize("action", ["submit", "replace", "withdraw", "draft"])
def test_at_the_deadline_nothing_can_be_submitted_replaced_or_withdrawn(db, tender, action):
    bid = submit(db, tender).bid
    before = _versions(db)
    with clock.frozen_at(tender.bid_deadline), pytest.raises(DomainError, match="has passed"):
        if action == "withdraw":
            services.withdraw(db, user(db, BIDDER), bid)
        elif action == "draft":
            services.save_draft(db, user(db, BIDDER), tender, content(tender))
        elif action == "replace":
            submit(db, tender)
        else:
            submit(db, tender, email=RIVAL)
    assert _versions(db) == before and bid.state == BidState.SUBMITTED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": "0"}, "more than 0 kr"),
        ({"price": "-100"}, "more than 0 kr"),
        ({"price": "10.005"}, "two decimals"),
        ({"met": False}, "must meet every minimum requirement; not met: no. 1"),
        ({"answer": "  "}, "Answer every quality criterion"),
        ({"attachments": [Attachment("virus.exe", b"MZ")]}, "not accepted"),
        ({"attachments": [Attachment("bilag.pdf", b"not a pdf")]}, "not a .pdf file"),
        (
            {"attachments": [Attachment("stor.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES)]},
            "larger than",
        ),
    ],
)
def test_bad_bids_are_refused_with_a_reason_and_store_nothing(db, tender, changes, message):
    versions, bids = _versions(db), db.scalar(select(func.count()).select_from(Bid))
    with pytest.raises(DomainError, match=message):
        submit(db, tender, **changes)
    assert _versions(db) == versions
    assert db.scalar(select(func.count()).select_from(Bid)) == bids


def test_a_bid_without_any_price_is_refused(db, tender):
    empty = content(tender)
    empty.prices = {lot.id: None for lot in tender.lots}
    with pytest.raises(DomainError, match="at least one lot"):
        services.submit(db, user(db, BIDDER), tender, empty)


def test_replacing_keeps_the_earlier_versions(db, tender):
    first = submit(db, tender)
    with clock.frozen_at(NOW + timedelta(hours=1)):
        second = submit(db, tender, price="20000")
    assert [v.number for v in second.bid.versions] == [1, 2]
    assert first.fingerprint != second.fingerprint
    assert second.received_at == NOW + timedelta(hours=1)


def test_withdrawing_and_bidding_again_before_the_deadline(db, tender):
    bid = submit(db, tender).bid
    services.withdraw(db, user(db, BIDDER), bid)
    assert bid.state == BidState.WITHDRAWN
    with pytest.raises(DomainError, match="Only a submitted bid"):
        services.withdraw(db, user(db, BIDDER), bid)
    submit(db, tender)
    assert bid.state == BidState.SUBMITTED and len(bid.versions) == 2


def test_a_supplier_cannot_withdraw_another_suppliers_bid(db, tender):
    bid = submit(db, tender).bid
    with pytest.raises(DomainError, match="not found"):
        services.withdraw(db, user(db, RIVAL), bid)


def test_a_suspended_or_unconfirmed_supplier_cannot_bid(db, tender):
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == "10000009")).one()
    supplier.state = SupplierState.SUSPENDED
    with pytest.raises(DomainError, match="suspended"):
        submit(db, tender)
    supplier.state = SupplierState.UNCONFIRMED
    with pytest.raises(DomainError, match="Confirm your e-mail"):
        submit(db, tender)


def test_only_suppliers_bid(db, tender):
    with pytest.raises(NotAllowed):
        services.submit(db, user(db, "admin@demo.dk"), tender, content(tender))


def test_a_draft_is_sealed_and_is_no_submission(db, tender):
    bid = services.save_draft(
        db, user(db, BIDDER), tender, content(tender, answer="Hemmelig kladde")
    )
    assert bid.state == BidState.DRAFT and bid.versions == []
    assert b"Hemmelig kladde" not in bid.sealed_draft
    assert services.read_for_supplier(user(db, BIDDER), bid)["answers"]


def test_the_content_is_stored_encrypted_and_tampering_is_detected(db, tender):
    version = submit(db, tender, answer="Ganske særligt svar")
    assert "Ganske særligt svar".encode() not in version.sealed_content
    db.execute(
        update(BidVersion)
        .where(BidVersion.id == version.id)
        .values(sealed_content=version.sealed_content[:-4] + b"AAAA")
    )
    db.expire_all()
    with pytest.raises(sealing.SealBroken):
        services.read_for_supplier(
            user(db, BIDDER), db.get(BidVersion, version.id).bid, db.get(BidVersion, version.id)
        )


def test_nobody_else_can_read_a_bid_before_the_deadline(db, tender):
    version = submit(db, tender)
    with pytest.raises(DomainError, match="not found"):
        services.read_for_supplier(user(db, RIVAL), version.bid, version)
    with pytest.raises(NotAllowed, match="sealed until the deadline"):
        services.read_after_deadline(version.bid, version)
    with clock.frozen_at(tender.bid_deadline):
        assert services.read_after_deadline(version.bid, version)["lots"]


def test_a_wrong_key_cannot_open_a_bid(db, tender):
    from cryptography.fernet import Fernet

    version = submit(db, tender)
    sealed = version.sealed_content
    right = sealing._fernet
    try:
        sealing.configure(Fernet.generate_key().decode())
        with pytest.raises(sealing.SealBroken):
            sealing.unseal(sealed)
    finally:
        sealing._fernet = right


@pytest.mark.parametrize("text", ["NaN", "Infinity", "sNaN", "1e400", "1E5", "-Infinity"])
def test_not_a_number_is_a_clear_error_not_a_crash(text):
    with pytest.raises(DomainError, match=r"1\.234\.567,89"):
        services.parse_price(text)


def test_a_bidder_follows_the_tender(db, tender):
    from app.tenders.models import TenderFollower

    submit(db, tender)
    supplier = db.scalars(select(Supplier).where(Supplier.cvr == "10000009")).one()
    assert db.scalars(
        select(TenderFollower).where(
            TenderFollower.tender_id == tender.id, TenderFollower.supplier_id == supplier.id
        )
    ).one()


# --- only a published tender takes bids ---------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "approved", "cancelled"])
@pytest.mark.parametrize("action", ["submit", "draft"])
def test_a_tender_that_is_not_published_takes_no_bid_and_no_draft(db, state, action):
    tender = not_open(db, state)
    assert clock.now() < tender.bid_deadline  # refused for its state, not its deadline
    bids_before = db.scalar(select(func.count()).select_from(Bid))
    with pytest.raises(DomainError, match=r"^The tender is not open for bids\.$"):
        if action == "submit":
            submit(db, tender)
        else:
            services.save_draft(db, user(db, BIDDER), tender, content(tender))
    assert db.scalar(select(func.count()).select_from(Bid)) == bids_before


@pytest.mark.parametrize("action", ["replace", "withdraw"])
def test_a_bid_on_a_tender_cancelled_since_is_neither_replaced_nor_withdrawn(db, tender, action):
    bid = submit(db, tender).bid
    tenders.cancel(db, staff(db, "NJ"), tender, "Behovet er faldet bort")
    before = _versions(db)
    with pytest.raises(DomainError, match=r"^The tender is not open for bids\.$"):
        if action == "withdraw":
            services.withdraw(db, user(db, BIDDER), bid)
        else:
            submit(db, tender)
    assert _versions(db) == before and bid.state == BidState.SUBMITTED
