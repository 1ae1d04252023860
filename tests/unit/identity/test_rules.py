"""Identity rules, the permission map and the actor: who may do what."""

from __future__ import annotations

import pytest

from ewaste.identity.actors import Actor, MissingPermission, system_actor
from ewaste.identity.permissions import ROLE_PERMISSIONS, Permission
from ewaste.identity.rules import (
    MIN_PASSWORD_LENGTH,
    InvalidUsername,
    Role,
    WeakPassword,
    check_password,
    check_username,
)
from ewaste.kernel.ids import OrganisationId, UserId


@pytest.mark.parametrize(
    ("typed", "stored"), [("Home-A", "home-a"), ("abc", "abc"), ("a.b_c-9" * 5 + "x" * 5, None)]
)
def test_usernames_are_lower_cased(typed: str, stored: str | None) -> None:
    assert check_username(typed) == (stored or typed.lower())


@pytest.mark.parametrize("typed", ["ab", "x" * 41, "home a", "李女士", "a@b.cn", ""])
def test_usernames_outside_the_pattern_are_refused(typed: str) -> None:
    with pytest.raises(InvalidUsername):
        check_username(typed)


def test_a_password_of_the_minimum_length_passes() -> None:
    check_password("x" * MIN_PASSWORD_LENGTH)


def test_a_shorter_password_is_refused() -> None:
    with pytest.raises(WeakPassword) as caught:
        check_password("x" * (MIN_PASSWORD_LENGTH - 1))
    assert caught.value.context == {"minimum": MIN_PASSWORD_LENGTH}


class TestPermissionMap:
    def test_every_role_has_an_entry(self) -> None:
        assert set(ROLE_PERMISSIONS) == set(Role)

    def test_every_permission_is_held_by_some_role(self) -> None:
        held = set().union(*ROLE_PERMISSIONS.values())
        assert held == set(Permission)

    def test_permission_values_are_scope_resource_action(self) -> None:
        for permission in Permission:
            assert len(permission.value.split(":")) == 3, permission

    @pytest.mark.parametrize("permission", Permission)
    def test_only_staff_and_audit_permissions_reach_every_organisation(
        self, permission: Permission
    ) -> None:
        expected = permission.value.split(":")[0] in {"staff", "audit"}
        assert permission.is_staff_wide is expected

    @pytest.mark.parametrize("role", [r for r in Role if r not in {Role.OPERATOR, Role.REGULATOR}])
    def test_parties_hold_no_staff_wide_permission(self, role: Role) -> None:
        assert not [p for p in ROLE_PERMISSIONS[role] if p.is_staff_wide]

    def test_the_regulator_reads_and_decides_only_on_subsidy_claims(self) -> None:
        assert ROLE_PERMISSIONS[Role.REGULATOR] == {
            Permission.AUDIT_UNIT_TRACE,
            Permission.AUDIT_REPORT_READ,
            Permission.AUDIT_CLAIM_DECIDE,
            Permission.STAFF_LOT_READ,
        }

    def test_only_the_regulator_decides_on_subsidy_claims(self) -> None:
        deciders = {
            r for r, held in ROLE_PERMISSIONS.items() if Permission.AUDIT_CLAIM_DECIDE in held
        }
        assert deciders == {Role.REGULATOR}


class TestActor:
    def actor(self, role: Role) -> Actor:
        return Actor(UserId(1), OrganisationId(2), role, "someone")

    def test_an_actor_holds_its_roles_permissions(self) -> None:
        actor = self.actor(Role.PLANT)
        assert actor.permissions == ROLE_PERMISSIONS[Role.PLANT]
        assert actor.can(Permission.PLANT_LOT_BUY)
        assert not actor.can(Permission.STATION_LOT_SHIP)

    def test_require_passes_silently_when_granted(self) -> None:
        self.actor(Role.STATION).require(Permission.STATION_LOT_SHIP)

    def test_require_names_the_missing_permission(self) -> None:
        with pytest.raises(MissingPermission) as caught:
            self.actor(Role.HOUSEHOLD).require(Permission.STAFF_PICKUP_ASSIGN)
        assert caught.value.code == "identity.missing_permission"
        assert caught.value.context == {"permission": "staff:pickup:assign"}

    def test_actors_default_to_chinese(self) -> None:
        assert self.actor(Role.HOUSEHOLD).locale == "zh_CN"

    def test_the_system_actor_is_an_operator(self) -> None:
        actor = system_actor(OrganisationId(1), UserId(5))
        assert actor.role is Role.OPERATOR
        assert actor.username == "system"
        assert (actor.organisation_id, actor.user_id) == (1, 5)
