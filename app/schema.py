"""Every model, imported once so that the metadata is complete (for Alembic and the tests)."""

from app.agreements.models import AgreementEvent, AgreementPrice, PriceRegulation, TenderExtension
from app.api.models import ApiToken
from app.audit.models import AuditChainHead, AuditEntry
from app.auth.models import User
from app.auth.throttle import LoginThrottle
from app.bids.models import Bid, BidVersion
from app.calloffs.models import CallOff, CallOffEvent
from app.complaints.models import Complaint, ComplaintDocument
from app.councils.models import (
    AnnualContract,
    ContractNeed,
    CouncilDecision,
    CouncilMeeting,
    MeetingDocument,
)
from app.db import Base
from app.evaluation.models import (
    Agreement,
    Award,
    AwardedBid,
    ConflictDeclaration,
    OpenedBid,
    Opening,
    QualityScore,
    Rejection,
)
from app.exemptions.models import Exemption
from app.files.models import StoredFile
from app.followup.models import (
    Reaction,
    ReactionDecision,
    ReactionEvent,
    Result,
    ResultImport,
    Threshold,
    VolumeReport,
)
from app.grants.models import Grant, GrantProject, ProjectSpend
from app.knowledge.models import KnowledgeRequest, SpecialistDirectory, SpecialistEntry
from app.minicompetitions.models import (
    CompetitionResponse,
    CompetitionShare,
    CompetitionWeight,
    Invitation,
    MiniCompetition,
    ResponseScore,
    ResponseVersion,
)
from app.nemlogin.models import Applicant, SeenAssertion
from app.notifications.models import Notification, OutboxMessage
from app.organisations.models import Council, Municipality, Organisation
from app.outcomes.models import Outcome, OutcomeImport, OutcomeThreshold
from app.purchases.models import OutsidePurchase, PurchaseImport
from app.spend.models import LotAlert
from app.suppliers.models import Supplier, SupplierDocument
from app.targetgroups.models import TargetGroup
from app.tenders.models import (
    Amendment,
    AwardCriterion,
    Lot,
    MinimumRequirement,
    Tender,
    TenderApproval,
    TenderDocument,
    TenderFollower,
    TenderQuestion,
)

metadata = Base.metadata

__all__ = [
    "Agreement",
    "AgreementEvent",
    "AgreementPrice",
    "Amendment",
    "AnnualContract",
    "ApiToken",
    "Applicant",
    "AuditChainHead",
    "AuditEntry",
    "Award",
    "AwardCriterion",
    "AwardedBid",
    "Bid",
    "BidVersion",
    "CallOff",
    "CallOffEvent",
    "CompetitionResponse",
    "CompetitionShare",
    "CompetitionWeight",
    "Complaint",
    "ComplaintDocument",
    "ConflictDeclaration",
    "ContractNeed",
    "Council",
    "CouncilDecision",
    "CouncilMeeting",
    "Exemption",
    "Grant",
    "GrantProject",
    "Invitation",
    "KnowledgeRequest",
    "LoginThrottle",
    "Lot",
    "LotAlert",
    "MeetingDocument",
    "MiniCompetition",
    "MinimumRequirement",
    "Municipality",
    "Notification",
    "OpenedBid",
    "Opening",
    "Organisation",
    "OutboxMessage",
    "Outcome",
    "OutcomeImport",
    "OutcomeThreshold",
    "OutsidePurchase",
    "PriceRegulation",
    "ProjectSpend",
    "PurchaseImport",
    "QualityScore",
    "Reaction",
    "ReactionDecision",
    "ReactionEvent",
    "Rejection",
    "ResponseScore",
    "ResponseVersion",
    "Result",
    "ResultImport",
    "SeenAssertion",
    "SpecialistDirectory",
    "SpecialistEntry",
    "StoredFile",
    "Supplier",
    "SupplierDocument",
    "TargetGroup",
    "Tender",
    "TenderApproval",
    "TenderDocument",
    "TenderExtension",
    "TenderFollower",
    "TenderQuestion",
    "Threshold",
    "User",
    "VolumeReport",
    "metadata",
]
