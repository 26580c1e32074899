"""Model factories for tests. Reference tables (regions, industries) come from migrations."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from zhaoshang.core.models import UserProfile
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.projects.models import Project

JINFENG = "320582103"
YEJIN = "320582406"
BAOSHUI = "320582403"
LEYU = "320582104"
PASSWORD = "pw-for-tests-123"


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(username="x", role="town_editor", unit_code="320582103")`; password PASSWORD."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        role = kwargs.pop("role", "bureau_editor")
        unit_code = kwargs.pop("unit_code", None)
        user = super()._create(model_class, *args, **kwargs)
        user.set_password(PASSWORD)
        user.is_staff = user.is_superuser = role == "city_admin"
        user.save()
        UserProfile.objects.update_or_create(
            user=user, defaults={"role": role, "unit_id": unit_code}
        )
        return user


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    country = "CN"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"320582-2099-{n:04d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    unit_id = JINFENG
    industry_id = "3841"
    stage = "signed"
    total_investment_wan = Decimal("100000")
