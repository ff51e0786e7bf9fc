"""The OCDS releases of a contracting process, built from the platform's rows (never kept, never
edited by hand): the same rows give the same releases, with the same ids and dates.

A framework tender (`ocid` = prefix + "-" + its reference) has, as far as it got:
- `tender` when it was published (`published_at`), with its lots, the framework technique and
  the first bid deadline;
- `tenderAmendment`, one per amendment (clarification, extra document, longer deadline), dated
  when it was made, with the deadline and documents as they stood after it;
- `award` when the award was approved (`approved_at`), published from the conclusion on, as the
  public tender page's award notice: one award per awarded supplier and lot, with the number of
  bids received;
- `contract` when the framework agreements were concluded (`concluded_at`): one contract per
  agreement;
- `tenderCancellation` when it was cancelled (the audit trail's time of the cancellation).
Nothing about bids or bidders while its bids are sealed (see `queries.frameworks`).

A call-off (`ocid` = prefix + "-" + its order number) is a contracting process of its own, with
`relatedProcesses` naming its framework's ocid; one release per event of the order's life
(placed, accepted, declined, delivered, invoiced, invoice rejected, paid, cancelled), dated when
it happened. No case reference, note, reasons, invoice number, start date or person: only the
jobcentre (the buyer), the supplier, the lot, the quantity, the prices and the states.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from flask import current_app, url_for

from app.calloffs.models import CallOff, CallOffEvent, CallOffState, CallOffStep
from app.clock import COPENHAGEN
from app.evaluation.models import Agreement, AwardedBid
from app.ocds.queries import Framework
from app.organisations.models import Organisation
from app.suppliers.models import Supplier
from app.tenders.models import Amendment, AmendmentKind, CallOffRule, Scope, Tender

CURRENCY = "DKK"

#: The texts the releases write are Danish (`language` "da"), whatever the reader's language.
_SCOPE = {Scope.REGIONAL: "regionalt", Scope.NATIONAL: "landsdækkende"}


# --- identifiers, dates, amounts, links --------------------------------------------------------


def ocid_of(reference: str) -> str:
    """The contracting process's ocid: the configured prefix and the platform's own stable
    reference (a tender's RU-…, a call-off's B-…)."""
    return f"{current_app.config['OCDS_OCID_PREFIX']}-{reference}"


def tender_ocid(tender: Tender) -> str:
    return ocid_of(tender.reference)


def calloff_ocid(order: CallOff) -> str:
    return ocid_of(order.number)


def when(moment: datetime) -> str:
    """A moment as OCDS wants it, in UTC (so that dates sort as text too)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_start(day: date) -> str:
    return datetime.combine(day, time.min, tzinfo=COPENHAGEN).isoformat()


def _day_end(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59), tzinfo=COPENHAGEN).isoformat()


def value(amount: Decimal) -> dict:
    """An amount in kroner (a Decimal, exact to the øre; `packages.to_json` writes it)."""
    return {"amount": amount, "currency": CURRENCY}


def absolute(endpoint: str, **values) -> str:
    """An address on the site as users reach it (BASE_URL), never the request's Host."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


# --- parties --------------------------------------------------------------------------------


def party_id(organisation: Organisation) -> str:
    return f"org-{organisation.id}"


def _party(organisation: Organisation, roles: list[str], cvr: str | None = None) -> dict:
    party = {"id": party_id(organisation), "name": organisation.name, "roles": roles}
    cvr = cvr or organisation.cvr
    if cvr:
        party["identifier"] = {"scheme": "DK-CVR", "id": cvr, "legalName": organisation.name}
    return party


def _reference(organisation: Organisation) -> dict:
    return {"id": party_id(organisation), "name": organisation.name}


def _supplier_party(supplier: Supplier) -> dict:
    return _party(supplier.organisation, ["supplier"], supplier.cvr)


# --- the framework tender ---------------------------------------------------------------------

#: The framework technique's method per call-off rule (the techniques extension's codelist):
#: free choice and cascade call off without reopening competition, a mini-competition with it,
#: a cascade up to an amount with and without.
FRAMEWORK_METHOD = {
    CallOffRule.FREE_CHOICE: "withoutReopeningCompetition",
    CallOffRule.CASCADE: "withoutReopeningCompetition",
    CallOffRule.MINI_COMPETITION: "withReopeningCompetition",
    CallOffRule.CASCADE_THEN_COMPETITION: "withAndWithoutReopeningCompetition",
}
MIXED_METHOD = "withAndWithoutReopeningCompetition"

_RULE_DETAILS = {
    CallOffRule.FREE_CHOICE: "Frit valg blandt delaftalens tildelte leverandører",
    CallOffRule.CASCADE: "Rangordnet kaskade: den højest rangerede leverandør, der kan tage ordren",
    CallOffRule.MINI_COMPETITION: "Miniudbud blandt delaftalens leverandører ved hvert træk",
    CallOffRule.CASCADE_THEN_COMPETITION: (
        "Rangordnet kaskade op til et beløb, miniudbud blandt delaftalens leverandører over det"
    ),
}


def _tender_method(tender: Tender) -> str:
    """The tender's method: its lots' if they agree, else with and without reopening."""
    methods = {FRAMEWORK_METHOD[lot.call_off_rule] for lot in tender.lots}
    return methods.pop() if len(methods) == 1 else MIXED_METHOD


def _tender_rule_details(tender: Tender) -> str:
    if tender.call_off_rule is not None:
        return _RULE_DETAILS[tender.call_off_rule]
    return "; ".join(
        f"Delaftale {lot.number}: {_RULE_DETAILS[lot.call_off_rule]}" for lot in tender.lots
    )


def _first_deadline(tender: Tender) -> datetime:
    """The deadline as published, before any extension."""
    extended = [a for a in tender.amendments if a.kind == AmendmentKind.DEADLINE]
    return extended[0].old_deadline if extended else tender.bid_deadline


def _deadline_after(tender: Tender, amendment: Amendment) -> datetime:
    deadline = _first_deadline(tender)
    for earlier in tender.amendments:
        if earlier.kind == AmendmentKind.DEADLINE and earlier.id <= amendment.id:
            deadline = earlier.new_deadline
    return deadline


def _document(tender: Tender, document, published: datetime) -> dict:
    return {
        "id": f"doc-{document.id}",
        "documentType": "biddingDocuments",
        "title": document.file.filename,
        "url": absolute("tenders.document", tender_id=tender.id, document_id=document.id),
        "format": document.file.content_type,
        "datePublished": when(published),
    }


def _documents(tender: Tender, upto: Amendment | None) -> list[dict]:
    """The notice and the documents published with the tender, and those added by amendments
    up to `upto` (none: only those of the publication)."""
    added = {a.document_id: a for a in tender.amendments if a.document_id is not None}
    documents = [
        {
            "id": "notice",
            "documentType": "tenderNotice",
            "title": f"Udbudsbekendtgørelse {tender.reference}",
            "url": absolute("tenders.notice_pdf", tender_id=tender.id),
            "format": "application/pdf",
            "datePublished": when(tender.published_at),
        }
    ]
    for document in tender.documents:
        amendment = added.get(document.id)
        if amendment is None:
            documents.append(_document(tender, document, tender.published_at))
        elif upto is not None and amendment.id <= upto.id:
            documents.append(_document(tender, document, amendment.made_at))
    return documents


def _amendment(tender: Tender, amendment: Amendment) -> dict:
    if amendment.kind == AmendmentKind.DEADLINE:
        described = (
            f"Tilbudsfristen er flyttet fra {when(amendment.old_deadline)} "
            f"til {when(amendment.new_deadline)}"
        )
    elif amendment.kind == AmendmentKind.DOCUMENT:
        described = f"Ekstra dokument: {amendment.text}"
    else:
        described = amendment.text
    entry = {
        "id": str(amendment.id),
        "date": when(amendment.made_at),
        "description": described,
        "releaseID": amendment_release_id(tender, amendment),
    }
    if amendment.reason:
        entry["rationale"] = amendment.reason
    return entry


def amendment_release_id(tender: Tender, amendment: Amendment) -> str:
    return f"{tender_ocid(tender)}-amendment-{amendment.id}"


def _lot_techniques(tender: Tender, lot) -> dict:
    return {
        "hasFrameworkAgreement": True,
        "frameworkAgreement": {
            "method": FRAMEWORK_METHOD[lot.call_off_rule],
            "maximumParticipants": lot.suppliers_to_award,
            "value": value(lot.maximum_value),
        },
    }


def _tender(tender: Tender, status: str, deadline: datetime, upto: Amendment | None = None) -> dict:
    """The tender section as it stood: `status`, the deadline then, the documents then."""
    price = [c for c in tender.criteria if c.is_price]
    quality = [c for c in tender.criteria if not c.is_price]
    framework = {
        "method": _tender_method(tender),
        "maximumParticipants": sum(lot.suppliers_to_award for lot in tender.lots),
        "value": value(tender.maximum_value),
        "period": {
            "startDate": _day_start(tender.agreement_start),
            "endDate": _day_end(tender.agreement_end),
        },
        "description": _tender_rule_details(tender),
    }
    if tender.long_period_reason:
        framework["periodRationale"] = tender.long_period_reason
    section = {
        "id": tender.reference,
        "title": tender.title,
        "status": status,
        "procuringEntity": _reference(tender.region),
        "value": value(tender.estimated_value),
        "procurementMethod": "open",
        "procurementMethodDetails": f"Rammeudbud ({_SCOPE[tender.scope]})",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria" if quality else "priceOnly",
        "awardCriteriaDetails": "; ".join(f"{c.name}: {c.weight}%" for c in [*price, *quality]),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": when(tender.published_at), "endDate": when(deadline)},
        "contractPeriod": framework["period"],
        "items": [
            {
                "id": str(lot.number),
                "description": lot.title,
                "relatedLot": str(lot.number),
            }
            for lot in tender.lots
        ],
        "lots": [
            {
                "id": str(lot.number),
                "title": lot.title,
                "status": status,
                "value": value(lot.maximum_value),
                "contractPeriod": framework["period"],
                "techniques": _lot_techniques(tender, lot),
                **({"description": lot.description} if lot.description else {}),
            }
            for lot in tender.lots
        ],
        "techniques": {"hasFrameworkAgreement": True, "frameworkAgreement": framework},
        "documents": _documents(tender, upto),
    }
    if tender.description:
        section["description"] = tender.description
    if tender.requirements:
        section["eligibilityCriteria"] = "\n".join(r.text for r in tender.requirements)
    if upto is not None:
        section["amendments"] = [
            _amendment(tender, a) for a in tender.amendments if a.id <= upto.id
        ]
    return section


def _release(ocid: str, release_id: str, moment: datetime, tags: list[str], **parts) -> dict:
    return {
        "ocid": ocid,
        "id": release_id,
        "date": when(moment),
        "tag": tags,
        "initiationType": "tender",
        "language": "da",
        **parts,
    }


def _award(tender: Tender, winner: AwardedBid, approved_at: datetime) -> dict:
    lot = next(lot for lot in tender.lots if lot.id == winner.lot_id)
    return {
        "id": f"{lot.number}-{winner.rank}",
        "title": f"Delaftale {lot.number}: {lot.title}, rang {winner.rank}",
        "status": "active",
        "date": when(approved_at),
        "suppliers": [_reference(winner.bid.supplier.organisation)],
        "relatedLots": [str(lot.number)],
        "items": [
            {
                "id": str(lot.number),
                "description": lot.title,
                "relatedLot": str(lot.number),
                "unit": {"name": "enhed", "value": value(winner.unit_price)},
            }
        ],
    }


def _contract(agreement: Agreement) -> dict:
    lot = agreement.lot
    return {
        "id": agreement.number,
        "awardID": f"{lot.number}-{agreement.rank}",
        "title": f"Rammeaftale {agreement.number}",
        "status": "active",
        "period": {
            "startDate": _day_start(agreement.starts_on),
            "endDate": _day_end(agreement.ends_on),
        },
        "dateSigned": when(agreement.concluded_at),
        "items": [
            {
                "id": str(lot.number),
                "description": lot.title,
                "relatedLot": str(lot.number),
                "unit": {"name": "enhed", "value": value(agreement.unit_price)},
            }
        ],
    }


def framework_releases(framework: Framework) -> list[dict]:
    """Every release of a published framework tender, oldest first."""
    tender = framework.tender
    ocid = tender_ocid(tender)
    buyer = _reference(tender.region)
    parties = [_party(tender.region, ["buyer", "procuringEntity"])]
    common = {"buyer": buyer, "parties": parties}
    releases = [
        _release(
            ocid,
            f"{ocid}-tender",
            tender.published_at,
            ["tender"],
            tender=_tender(tender, "active", _first_deadline(tender)),
            **common,
        )
    ]
    for amendment in tender.amendments:
        releases.append(
            _release(
                ocid,
                amendment_release_id(tender, amendment),
                amendment.made_at,
                ["tenderAmendment"],
                tender=_tender(tender, "active", _deadline_after(tender, amendment), amendment),
                **common,
            )
        )
    last = tender.amendments[-1] if tender.amendments else None
    if framework.cancelled_at is not None:
        cancelled = _tender(tender, "cancelled", tender.bid_deadline, last)
        cancelled["statusDetails"] = tender.cancel_reason
        releases.append(
            _release(
                ocid,
                f"{ocid}-cancellation",
                framework.cancelled_at,
                ["tenderCancellation"],
                tender=cancelled,
                **common,
            )
        )
    award = framework.award
    if award is not None:
        complete = _tender(tender, "complete", tender.bid_deadline, last)
        if framework.number_of_bids is not None:
            complete["numberOfTenderers"] = framework.number_of_bids
        suppliers = {w.bid.supplier.id: w.bid.supplier for w in award.winners}
        awarded = {
            "tender": complete,
            "awards": [_award(tender, w, award.approved_at) for w in award.winners],
            "buyer": buyer,
            "parties": parties + [_supplier_party(s) for s in suppliers.values()],
        }
        releases.append(_release(ocid, f"{ocid}-award", award.approved_at, ["award"], **awarded))
        if framework.agreements:
            concluded = max(a.concluded_at for a in framework.agreements)
            releases.append(
                _release(
                    ocid,
                    f"{ocid}-contract",
                    concluded,
                    ["contract"],
                    contracts=[_contract(a) for a in framework.agreements],
                    **awarded,
                )
            )
    return releases


# --- a call-off ---------------------------------------------------------------------------------

#: What each event of an order's life makes of it: its state after the event, and the tags.
_AFTER = {
    CallOffStep.PLACED: (CallOffState.PLACED, ["award", "contract"]),
    CallOffStep.ACCEPTED: (CallOffState.ACCEPTED, ["awardUpdate", "contractUpdate"]),
    CallOffStep.DECLINED: (CallOffState.DECLINED, ["awardUpdate", "contractUpdate"]),
    CallOffStep.DELIVERED: (CallOffState.DELIVERED, ["contractUpdate"]),
    CallOffStep.INVOICED: (CallOffState.INVOICED, ["contractUpdate"]),
    CallOffStep.INVOICE_REJECTED: (CallOffState.DELIVERED, ["contractUpdate"]),
    CallOffStep.PAID: (CallOffState.PAID, ["implementation"]),
    CallOffStep.CANCELLED: (CallOffState.CANCELLED, ["awardCancellation", "contractUpdate"]),
}

#: The award's and the contract's status in each state of the order. Declined and cancelled
#: orders are published too, with the contract "cancelled": they commit nothing of the lot.
STATUS = {
    CallOffState.PLACED: ("pending", "pending"),
    CallOffState.ACCEPTED: ("active", "active"),
    CallOffState.DECLINED: ("unsuccessful", "cancelled"),
    CallOffState.DELIVERED: ("active", "active"),
    CallOffState.INVOICED: ("active", "active"),
    CallOffState.PAID: ("active", "terminated"),
    CallOffState.CANCELLED: ("cancelled", "cancelled"),
}


def contract_value(total: Decimal, invoice: Decimal | None) -> Decimal:
    """The contract's value: what the order commits of its lot while it counts, as
    `CallOff.committed_amount` has it (its total, or its invoice when higher). A cancelled
    contract (declined or cancelled) commits nothing: readers leave it out of the sums."""
    return max(total, invoice or Decimal("0.00"))


def _calloff_release(
    order: CallOff, release_id: str, moment: datetime, tags, state, invoice, payments
) -> dict:
    ocid = calloff_ocid(order)
    lot = order.lot
    tender = lot.tender
    award_status, contract_status = STATUS[state]
    item = {
        "id": "1",
        "description": lot.title,
        "quantity": order.quantity,
        "unit": {"name": "enhed", "value": value(order.unit_price)},
        "relatedLot": str(lot.number),
    }
    contract = {
        "id": order.number,
        "awardID": order.number,
        "title": f"Afrop {order.number}",
        "status": contract_status,
        "value": value(contract_value(order.total, invoice)),
        "dateSigned": when(order.placed_at),
        "items": [item],
    }
    if payments:
        contract["implementation"] = {"transactions": payments}
    return _release(
        ocid,
        release_id,
        moment,
        tags,
        buyer=_reference(order.jobcentre),
        parties=[_party(order.jobcentre, ["buyer"]), _supplier_party(order.supplier)],
        tender={
            "id": order.number,
            "title": f"Afrop {order.number}",
            "status": "complete",
            "procurementMethod": "limited",
            "procurementMethodDetails": "Afrop på en rammeaftale uden fornyet konkurrence",
            "mainProcurementCategory": "services",
            "techniques": {"hasFrameworkAgreement": True},
            "competitive": False,
            "lots": [{"id": str(lot.number), "title": lot.title}],
        },
        awards=[
            {
                "id": order.number,
                "status": award_status,
                "date": when(order.placed_at),
                "value": value(order.total),
                "suppliers": [_reference(order.supplier.organisation)],
                "relatedLots": [str(lot.number)],
                "items": [item],
            }
        ],
        contracts=[contract],
        relatedProcesses=[
            {
                "id": "framework",
                "relationship": ["framework"],
                "title": tender.title,
                "scheme": "ocid",
                "identifier": tender_ocid(tender),
                "uri": absolute("ocds.tender_releases", tender_id=tender.id),
            }
        ],
    )


def calloff_releases(order: CallOff) -> list[dict]:
    """One release per event of the order's life, oldest first (an order without events, as
    bulk-loaded ones are: one release of its present state, when it last changed)."""
    ocid = calloff_ocid(order)
    if not order.events:
        return [
            _calloff_release(
                order,
                f"{ocid}-state",
                order.updated_at,
                ["award", "contract"],
                order.state,
                order.invoice_amount,
                [],
            )
        ]
    releases = []
    invoice: Decimal | None = None
    payments: list[dict] = []
    for event in order.events:
        state, tags = _AFTER[event.step]
        if event.step == CallOffStep.INVOICED:
            invoice = event.amount
        elif event.step == CallOffStep.INVOICE_REJECTED:
            invoice = None
        elif event.step == CallOffStep.PAID:
            payments = [*payments, _payment(order, event)]
        releases.append(
            _calloff_release(
                order, f"{ocid}-{event.id}", event.occurred_at, tags, state, invoice, payments
            )
        )
    return releases


def _payment(order: CallOff, event: CallOffEvent) -> dict:
    return {
        "id": str(event.id),
        "date": when(event.occurred_at),
        "value": value(event.amount if event.amount is not None else order.total),
        "payer": _reference(order.jobcentre),
        "payee": _reference(order.supplier.organisation),
    }
