from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.errors import InputError
from zhaoshang.progress.months import Month
from zhaoshang.progress.report import write_monthly


class Command(BaseCommand):
    help = "Write the monthly progress report workbook (zhaoshang report monthly --month 2023-06 -o report.xlsx)"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["monthly"], help="which report (monthly)")
        parser.add_argument("--month", required=True, help="the month, e.g. 2023-06")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--unit", default="", help="only one township unit")

    def handle(self, *args, **options):
        try:
            month = Month.parse(options["month"])
        except ValueError as exc:
            raise CommandError(f"--month: {exc}") from None
        if month.is_future():
            raise CommandError(f"--month: {month} 尚未到来 / is in the future")
        path = Path(options["output"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"-o: {path} 应为 .xlsx 文件 / must end in .xlsx")
        if not path.parent.exists():
            raise CommandError(f"-o: 目录不存在 / no such folder: {path.parent}")
        try:
            written = write_monthly(path, month, options["unit"] or None)
        except InputError as exc:
            raise CommandError("; ".join(" ".join(v) for v in exc.fields.values())) from None
        self.stdout.write(
            f"{path}: 汇总 {written['summary']} 行, 项目 {written['projects']} 行, "
            f"问题 {written['problems']} 行, 四个一批 {written['batches']} 行 / summary "
            f"{written['summary']} rows, projects {written['projects']} rows, problems "
            f"{written['problems']} rows, four batches {written['batches']} rows"
        )
