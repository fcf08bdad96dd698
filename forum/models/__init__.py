"""One module per aggregate; importing this package registers every table."""

from forum.models.api_tokens import ApiToken
from forum.models.attachments import Attachment, FileBlob, FileKind, StoredFile, TextState
from forum.models.events import (
    CalendarFeed,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from forum.models.institutions import (
    Affiliation,
    AffiliationStatus,
    Capacity,
    CapacityKind,
    Institution,
    InstitutionKind,
    InstitutionNetwork,
    NetworkRole,
)
from forum.models.mail import MailOutbox
from forum.models.moderation import (
    AuditEntry,
    Report,
    ReportReason,
    ReportStatus,
    Sanction,
    SanctionKind,
)
from forum.models.networks import Board, Network, Theme
from forum.models.notifications import Notification, NotificationKind, Watch
from forum.models.search import SearchOutbox
from forum.models.site import ContentVersion
from forum.models.threads import (
    AcceptedAnswer,
    ControlLevel,
    Post,
    PostRevision,
    Thread,
    ThreadKind,
    Vote,
)
from forum.models.topics import LabelProposal, ProposalStatus, SearchMiss, ThreadTopic
from forum.models.users import (
    ExpertiseClaim,
    ExpertVerification,
    LoginSession,
    NetworkMembership,
    NetworkModerator,
    User,
)

__all__ = [
    "ApiToken",
    "LabelProposal",
    "ProposalStatus",
    "SearchMiss",
    "ThreadTopic",
    "CalendarFeed",
    "Event",
    "EventKind",
    "EventStatus",
    "Registration",
    "RegistrationStatus",
    "Attachment",
    "FileBlob",
    "FileKind",
    "StoredFile",
    "TextState",
    "Affiliation",
    "AffiliationStatus",
    "Capacity",
    "CapacityKind",
    "Institution",
    "InstitutionKind",
    "InstitutionNetwork",
    "NetworkRole",
    "AcceptedAnswer",
    "AuditEntry",
    "Report",
    "ReportReason",
    "ReportStatus",
    "SearchOutbox",
    "Sanction",
    "SanctionKind",
    "Board",
    "ContentVersion",
    "ControlLevel",
    "ExpertVerification",
    "ExpertiseClaim",
    "LoginSession",
    "MailOutbox",
    "Network",
    "NetworkMembership",
    "NetworkModerator",
    "Notification",
    "NotificationKind",
    "Post",
    "PostRevision",
    "Theme",
    "Thread",
    "ThreadKind",
    "User",
    "Vote",
    "Watch",
]
