"""Named test users and teams: an owner, a teammate and an outsider per role.

``make_user(role="sales_rep")`` gives a user with that built-in role. ``team_trio``
builds the three-user set-up every permission test uses.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from guanxi.core.models import Role, Team, TeamMembership, User

PASSWORD = "test-password-123"
_counter = itertools.count(1)


def make_user(*, role: str | None = None, password: str = PASSWORD, **overrides: Any) -> User:
    n = next(_counter)
    fields: dict[str, Any] = {"email": f"user{n}@example.test", "full_name": f"User {n}"}
    fields.update(overrides)
    user = User.objects.create_user(password=password, **fields)
    if role == "administrator":
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    if role:
        user.roles.add(Role.objects.get(code=role))
    return user


def make_team(
    *, name: str | None = None, members: list[User] = (), managers: list[User] = ()
) -> Team:  # type: ignore[assignment]
    team = Team.objects.create(name=name or f"Team {next(_counter)}")
    for user in members:
        TeamMembership.objects.create(team=team, user=user, is_manager=user in managers)
    return team


@dataclass
class Trio:
    """``owner`` and ``teammate`` share a team; ``outsider`` is in another team."""

    owner: User
    teammate: User
    outsider: User
    team: Team
    other_team: Team


def team_trio(role: str) -> Trio:
    owner = make_user(role=role)
    teammate = make_user(role=role)
    outsider = make_user(role=role)
    team = make_team(members=[owner, teammate], managers=[owner])
    other = make_team(members=[outsider])
    return Trio(owner, teammate, outsider, team, other)
