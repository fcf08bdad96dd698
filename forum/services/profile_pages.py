"""What a member's public profile page shows, gathered before it is rendered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forum.models import ExpertVerification, Network, Post, Thread, User
from forum.services import browsing, experts, profiles
from forum.services.experts import Expertise
from forum.services.profiles import ShownAffiliation


@dataclass(frozen=True)
class ProfilePage:
    member: User
    affiliation: ShownAffiliation | None  # confirmed; else the profile shows the member's words
    expertise: list[Expertise]
    answers: Sequence[Post]  # recent
    threads: Sequence[Thread]  # recent
    accepted_count: int
    networks: list[Network]
    verifications: Sequence[ExpertVerification]


def profile_page(member: User) -> ProfilePage:
    return ProfilePage(
        member=member,
        affiliation=profiles.confirmed_affiliations([member.id]).get(member.id),
        expertise=experts.expertise_of([member.id]).get(member.id, []),
        answers=browsing.user_replies(member.id),
        threads=browsing.user_threads(member.id),
        accepted_count=profiles.accepted_answer_count(member.id),
        networks=profiles.member_networks(member.id),
        verifications=experts.verifications_of(member.id),
    )
