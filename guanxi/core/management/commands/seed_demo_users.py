"""Create the demo administrator and one user per built-in role, and print how to log in."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from guanxi.core.models import Role, Team, TeamMembership, User
from guanxi.core.services.roles import sync_builtin_roles

DEMO_PASSWORD = "guanxi-demo-2026"  # noqa: S105 - printed on purpose, demo only

DEMO_USERS = [
    # (email, full name, role, language, team, manager?)
    ("admin@guanxi.test", "管理员 Admin", "administrator", "en", None, False),
    (
        "sales.manager@guanxi.test",
        "王芳 Wang Fang",
        "sales_manager",
        "zh-hans",
        "华东销售 Sales East",
        True,
    ),
    ("sales.rep@guanxi.test", "李伟 Li Wei", "sales_rep", "zh-hans", "华东销售 Sales East", False),
    ("marketer@guanxi.test", "Emma Clarke", "marketer", "en", "Marketing", False),
    (
        "service.manager@guanxi.test",
        "张强 Zhang Qiang",
        "service_manager",
        "zh-hans",
        "Service",
        True,
    ),
    ("service.agent@guanxi.test", "Lucas Martin", "service_agent", "en", "Service", False),
    ("analyst@guanxi.test", "陈静 Chen Jing", "analyst", "zh-hans", None, False),
]


class Command(BaseCommand):
    help = "Create demo users (one per built-in role) and print their logins."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        sync_builtin_roles()
        for email, name, role_code, language, team_name, manager in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    full_name=name,
                    language=language,
                    is_superuser=role_code == "administrator",
                )
            user.roles.add(Role.objects.get(code=role_code))
            if team_name:
                team, _ = Team.objects.get_or_create(name=team_name)
                TeamMembership.objects.update_or_create(
                    team=team, user=user, defaults={"is_manager": manager}
                )
        self.stdout.write(
            self.style.SUCCESS(f"Guanxi demo users (password for all: {DEMO_PASSWORD}):")
        )
        for email, _name, role_code, *_rest in DEMO_USERS:
            self.stdout.write(f"  {role_code:<16} {email}")
