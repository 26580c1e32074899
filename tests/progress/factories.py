"""Factories for plans, reports and problems (projects come from tests.factories)."""

import datetime
from decimal import Decimal

import factory

from tests.factories import ProjectFactory
from zhaoshang.progress.models import AnnualPlan, Department, MonthlyProgress, Problem


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    project = factory.SubFactory(ProjectFactory)
    year = 2023
    planned_investment_wan = Decimal("12000")


class ReportFactory(factory.django.DjangoModelFactory):
    """A report for a month, in on time (the 5th of the next month) unless told otherwise."""

    class Meta:
        model = MonthlyProgress

    project = factory.SubFactory(ProjectFactory)
    year = 2023
    month = 1
    completed_wan = Decimal("1000")
    funds_in_place_wan = Decimal("800")
    counted_wan = Decimal("900")
    reported_at = factory.LazyAttribute(
        lambda o: datetime.datetime(
            o.year + (o.month == 12), o.month % 12 + 1, 5, 10, tzinfo=datetime.UTC
        )
    )


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = "张家港市自然资源和规划局"
    short_name = "自然资源和规划局"


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    project = factory.SubFactory(ProjectFactory)
    title = "用地指标尚未落实"
    department = factory.SubFactory(DepartmentFactory)
    leader = "王副市长"
    raised_on = datetime.date(2023, 3, 1)
    deadline = datetime.date(2023, 4, 30)


def months(project, amounts, year=2023, **extra):
    """Reports for January, February, … with the given completed amounts."""
    return [
        ReportFactory(project=project, year=year, month=m, completed_wan=Decimal(str(a)), **extra)
        for m, a in enumerate(amounts, start=1)
    ]
