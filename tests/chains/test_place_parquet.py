"""A national registry on chains with Dask (#18): `chains place-parquet` places a Parquet
registry with the app's classifier, row for row, the same with 1 or 2 workers; bad input is
refused naming the file, row group, row and column, with nothing written; `chains
load-placements` brings one county's placed firms into the registry."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UserFactory
from zhaoshang.chains import parquet, services
from zhaoshang.chains.models import Placement
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.lib.creditcode import check_character, org_code_check_character

pytestmark = pytest.mark.django_db
SCHEMA = pa.schema([(c, pa.string()) for c in parquet.INPUT_COLUMNS])


def code(division: str, body: str) -> str:
    first17 = f"91{division}{body}{org_code_check_character(body)}"
    return first17 + check_character(first17)


def write(path: Path, rows: list[dict], *, row_group: int = 10, schema=SCHEMA) -> Path:
    columns = {name: [r.get(name) for r in rows] for name in schema.names}
    pq.write_table(pa.table(columns, schema=schema), path, row_group_size=row_group)
    return path


def synthetic_rows(n: int, seed: int = 3) -> list[dict]:
    """Firms with scopes from the demo's generator over the bundled chain maps, plus the
    cases that matter: a trader, a firm of no chain, an industry code alone."""
    from zhaoshang.chains.synthetic import products_pool, random_scope
    from zhaoshang.chains.taxonomy import bundled_files, parse_chain

    nodes = []
    for path in bundled_files():
        nodes += parse_chain(path.read_text(encoding="utf-8"))[0]["nodes"]
    pool = products_pool(nodes)
    rng = random.Random(seed)
    rows = [
        {
            "uscc": code(rng.choice(["320582", "320581", "440305"]), f"{i:08d}"),
            "name": f"（合成）测试企业{i:04d}有限公司",
            "business_scope": random_scope(rng, pool)[0],
            "industry_code": rng.choice([None, "", "3841", "3985", "3042"]),
        }
        for i in range(n)
    ]
    rows += [
        {"uscc": code("320582", "90000001"), "name": "张家港市某某贸易有限公司",
         "business_scope": "锂离子电池、光伏组件销售；五金产品零售", "industry_code": "5179"},
        {"uscc": code("320582", "90000002"), "name": "张家港市某某餐饮管理有限公司",
         "business_scope": "餐饮服务；食品销售", "industry_code": None},
        {"uscc": code("320582", "90000003"), "name": "某某制造有限公司",
         "business_scope": None, "industry_code": "3841"},
    ]  # fmt: skip
    return rows


def expected(rows: list[dict]) -> list[dict]:
    """What the app's classifier (as `chains place` builds it) says, row by row."""
    classifier = services.build_classifier()
    codes = {s.node: (s.chain, s.code) for s in classifier.nodes}
    out = []
    for r in rows:
        industry = r["industry_code"] or ""
        matches = classifier.classify(
            name=r["name"],
            scope=r["business_scope"] or "",
            industry_codes=[industry] if industry else [],
        )
        if matches:
            out.append(
                {
                    "uscc": r["uscc"],
                    "name": r["name"],
                    "industry_code": industry,
                    "business_scope": r["business_scope"] or "",
                    "placements": [
                        {
                            "chain_code": codes[m.node][0],
                            "node_code": codes[m.node][1],
                            "confidence": m.confidence,
                        }
                        for m in matches
                    ],
                }
            )
    return out


def read(folder: Path) -> list[dict]:
    return pq.read_table(sorted(folder.glob("part-*.parquet"))).to_pylist()


def no_leftovers(folder: Path, out: Path) -> bool:
    return not out.exists() and not [p for p in folder.iterdir() if ".tmp-" in p.name]


@pytest.fixture
def bundled(db):
    services.import_bundled()


def place(src: Path, out: Path, *extra: str) -> None:
    call_command("chains", "place-parquet", str(src), str(out), *extra)


# -- placements equal the app's, whatever the number of workers --------------------------------


def test_place_parquet_gives_the_classifiers_answers_row_for_row_with_1_and_2_workers(
    bundled, tmp_path, capsys
):
    rows = synthetic_rows(60)
    src = tmp_path / "in"
    src.mkdir()
    write(src / "a.parquet", rows[:40], row_group=15)  # 3 row groups
    write(src / "b.parquet", rows[40:], row_group=15)  # 2 row groups
    want = expected(rows)
    assert 30 < len(want) < len(rows)  # some firms are on no node: not written

    place(src, tmp_path / "one", "--workers", "1", "--chunk-rows", "7")
    place(src, tmp_path / "two", "--workers", "2")

    assert read(tmp_path / "one") == want
    assert read(tmp_path / "two") == want
    names = sorted(p.name for p in (tmp_path / "two").iterdir())
    assert names == ["_placement.json", *(f"part-00000-0000{g}.parquet" for g in range(3)),
                     *(f"part-00001-0000{g}.parquet" for g in range(2))]  # fmt: skip
    err = capsys.readouterr()
    assert "63/63" in err.err  # the progress bar reached the end
    assert f"placed {len(want)}" in err.out


def test_place_parquet_on_a_running_cluster_through_its_scheduler(bundled, tmp_path):
    from distributed import LocalCluster

    rows = synthetic_rows(12, seed=4)
    src = write(tmp_path / "in.parquet", rows, row_group=5)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        place(src, tmp_path / "out", "--scheduler", cluster.scheduler_address)
        place(src, tmp_path / "again", "--scheduler", cluster.scheduler_address)

    assert read(tmp_path / "out") == read(tmp_path / "again") == expected(rows)


def test_in_process_run_writes_what_the_workers_write(bundled, tmp_path):
    rows = synthetic_rows(25, seed=5)
    src = write(tmp_path / "in.parquet", rows, row_group=8)
    specs = services.build_classifier().nodes
    summary = parquet.place_parquet_here(
        src, tmp_path / "out", specs=specs, class_codes=services._class_codes(), chunk_rows=3
    )

    assert read(tmp_path / "out") == expected(rows)
    assert (summary.rows, summary.parts) == (28, 4)
    assert summary.placed == len(expected(rows))


def test_a_dictionary_encoded_or_large_string_column_is_read_as_text(bundled, tmp_path):
    rows = synthetic_rows(5, seed=9)
    table = pa.table({c: [r[c] for r in rows] for c in parquet.INPUT_COLUMNS}, schema=SCHEMA)
    table = table.set_column(1, "name", table["name"].cast(pa.large_string()))
    table = table.set_column(2, "business_scope", table["business_scope"].dictionary_encode())
    pq.write_table(table, tmp_path / "in.parquet")
    place(tmp_path / "in.parquet", tmp_path / "out", "--workers", "1")

    assert read(tmp_path / "out") == expected(rows)


# -- bad input: a clear message, nothing written ---------------------------------------------


def test_missing_columns_are_named_and_nothing_is_written(bundled, tmp_path):
    schema = pa.schema([("uscc", pa.string()), ("name", pa.string())])
    src = write(tmp_path / "in.parquet", [{"uscc": code("320582", "00000001"), "name": "甲"}],
                schema=schema)  # fmt: skip
    with pytest.raises(CommandError) as exc:
        place(src, tmp_path / "out")

    message = str(exc.value)
    assert "in.parquet: 缺少列 missing columns: business_scope, industry_code" in message
    assert "nothing written" in message
    assert exc.value.returncode == 2
    assert no_leftovers(tmp_path, tmp_path / "out")


def test_a_column_of_the_wrong_type_is_named_with_its_type(bundled, tmp_path):
    schema = pa.schema([("uscc", pa.string()), ("name", pa.string()),
                        ("business_scope", pa.string()), ("industry_code", pa.int64())])  # fmt: skip
    src = write(
        tmp_path / "in.parquet",
        [{"uscc": code("320582", "00000001"), "name": "甲", "business_scope": "",
          "industry_code": 3841}],
        schema=schema,
    )  # fmt: skip
    with pytest.raises(CommandError) as exc:
        place(src, tmp_path / "out")

    assert "column “industry_code” 应为文本 must be text (string), 实为 is int64" in str(exc.value)
    assert no_leftovers(tmp_path, tmp_path / "out")


def test_not_a_parquet_file_is_said_so(bundled, tmp_path):
    src = tmp_path / "registry.parquet"
    src.write_text("uscc,name\n91320582MA1XXXXX,甲\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        place(src, tmp_path / "out")

    assert "registry.parquet: 不是 Parquet 文件 not a Parquet file" in str(exc.value)
    assert no_leftovers(tmp_path, tmp_path / "out")


def test_a_missing_input_and_an_existing_output_are_refused(bundled, tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        place(tmp_path / "nothing.parquet", tmp_path / "out")
    src = write(tmp_path / "in.parquet", synthetic_rows(3))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="already exists; it is not overwritten"):
        place(src, tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


def test_a_broken_row_stops_the_run_naming_row_group_row_and_column(bundled, tmp_path):
    rows = synthetic_rows(30)
    bad = code("320582", "00000099")
    rows[17]["uscc"] = bad[:-1] + ("0" if bad[-1] != "0" else "1")  # wrong check character
    src = write(tmp_path / "in.parquet", rows, row_group=10)
    with pytest.raises(CommandError) as exc:
        place(src, tmp_path / "out", "--workers", "2")

    message = str(exc.value)
    assert "in.parquet, 行组 row group 1, 行 row 18, uscc:" in message
    assert "wrong check character" in message
    assert no_leftovers(tmp_path, tmp_path / "out")


@pytest.mark.parametrize(
    "column, value, fragment",
    [
        ("uscc", None, "行 row 5, uscc: 统一社会信用代码无效：“”（为空）"),
        (
            "uscc",
            "91320582ABC",
            "行 row 5, uscc: 统一社会信用代码无效：“91320582ABC”（长度应为18位",
        ),
        ("name", "  ", "行 row 5, name: 企业名称为空 / the name is empty"),
        (
            "industry_code",
            "9999",
            "行 row 5, industry_code: “9999” 不是 GB/T 4754-2017 行业小类代码",
        ),
        ("industry_code", "38", "“38” 不是 GB/T 4754-2017 行业小类代码"),
    ],
)
def test_each_kind_of_broken_row_is_named(bundled, tmp_path, column, value, fragment):
    rows = synthetic_rows(6)
    rows[4][column] = value
    src = write(tmp_path / "in.parquet", rows, row_group=4)
    specs = services.build_classifier().nodes
    with pytest.raises(parquet.ParquetInputError) as exc:
        parquet.place_parquet_here(
            src, tmp_path / "out", specs=specs, class_codes=services._class_codes()
        )

    assert fragment in str(exc.value)
    assert "行组 row group 1" in str(exc.value)
    assert no_leftovers(tmp_path, tmp_path / "out")


def test_a_corrupt_row_group_is_named_and_nothing_is_written(bundled, tmp_path):
    rows = synthetic_rows(40)
    src = tmp_path / "in.parquet"
    pq.write_table(
        pa.table({c: [r[c] for r in rows] for c in parquet.INPUT_COLUMNS}, schema=SCHEMA),
        src,
        row_group_size=20,
        compression="zstd",
    )
    chunk = pq.ParquetFile(src).metadata.row_group(1).column(2)  # business_scope, 2nd group
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    data = bytearray(src.read_bytes())
    data[start + 20 : start + chunk.total_compressed_size - 5] = b"\xab" * (
        chunk.total_compressed_size - 25
    )
    src.write_bytes(bytes(data))
    with pytest.raises(CommandError) as exc:
        place(src, tmp_path / "out", "--workers", "1")

    assert "in.parquet, 行组 row group 1: 行组无法读取 the row group cannot be read" in str(
        exc.value
    )
    assert no_leftovers(tmp_path, tmp_path / "out")


def test_no_chain_maps_is_a_message(db, tmp_path):
    src = write(tmp_path / "in.parquet", synthetic_rows(2))
    with pytest.raises(CommandError, match="no chain maps in the database"):
        place(src, tmp_path / "out")


# -- one county back into the registry -------------------------------------------------------


@pytest.fixture
def placed(bundled, tmp_path):
    rows = synthetic_rows(40, seed=11)
    src = write(tmp_path / "in.parquet", rows, row_group=20)
    specs = services.build_classifier().nodes
    parquet.place_parquet_here(
        src, tmp_path / "out", specs=specs, class_codes=services._class_codes()
    )
    return tmp_path / "out"


def zjg(folder: Path) -> list[dict]:
    return [r for r in read(folder) if r["uscc"][2:8] == "320582"]


def test_load_placements_imports_the_countys_placed_firms_with_the_same_placements(placed, capsys):
    UserFactory(username="admin", role="city_admin")
    firms = zjg(placed)
    assert len(firms) >= 5
    before = Enterprise.objects.count()
    call_command("chains", "load-placements", str(placed), "--county", "张家港市", "--synthetic")

    assert Enterprise.objects.count() == before + len(firms)
    for firm in firms:
        e = Enterprise.objects.get(credit_code=firm["uscc"])
        assert (e.name, e.region_id, e.industry_id or "", e.is_synthetic) == (
            firm["name"], "320582", firm["industry_code"], True
        )  # fmt: skip
        mine = Placement.objects.filter(enterprise=e, is_active=True)
        assert sorted(mine.values_list("node__chain__code", "node__code")) == sorted(
            (p["chain_code"], p["node_code"]) for p in firm["placements"]
        )
    out = capsys.readouterr().out
    assert f"new {len(firms)}, updated 0" in out
    assert (
        f"{len(firms)} placed firms in the file, {len(firms)} placed by the registry as in" in out
    )


def test_load_placements_again_changes_nothing_and_dry_run_writes_nothing(placed, capsys):
    UserFactory(username="admin", role="city_admin")
    firms = zjg(placed)
    call_command("chains", "load-placements", str(placed), "--county", "320582", "--dry-run")
    assert Enterprise.objects.filter(credit_code__in=[f["uscc"] for f in firms]).count() == 0
    assert "dry run, nothing written" in capsys.readouterr().out

    call_command("chains", "load-placements", str(placed), "--county", "320582")
    call_command("chains", "load-placements", str(placed), "--county", "320582")
    assert Enterprise.objects.filter(credit_code__in=[f["uscc"] for f in firms]).count() == len(
        firms
    )
    assert f"unchanged {len(firms)}" in capsys.readouterr().out


def test_load_placements_refuses_a_firm_the_registry_holds_under_another_code(placed, capsys):
    UserFactory(username="admin", role="city_admin")
    firm = zjg(placed)[0]
    Enterprise.objects.create(name=firm["name"], credit_code=code("320582", "77777777"))
    with pytest.raises(CommandError, match="rows refused, nothing written") as exc:
        call_command("chains", "load-placements", str(placed), "--county", "张家港市")

    assert exc.value.returncode == 1
    assert f"登记的统一社会信用代码为 {code('320582', '77777777')}" in capsys.readouterr().out
    assert not Enterprise.objects.filter(credit_code__in=[f["uscc"] for f in zjg(placed)]).exists()


def test_load_placements_answers_an_unknown_or_township_place_and_a_bad_folder(placed, tmp_path):
    with pytest.raises(CommandError, match="--county: 未知的地方“不存在县”"):
        call_command("chains", "load-placements", str(placed), "--county", "不存在县")
    with pytest.raises(CommandError, match="is a township unit"):
        call_command("chains", "load-placements", str(placed), "--county", "锦丰镇")
    (tmp_path / "other").mkdir()
    write(tmp_path / "other" / "x.parquet", synthetic_rows(2))
    with pytest.raises(CommandError, match="not place-parquet output, missing columns: placements"):
        call_command("chains", "load-placements", str(tmp_path / "other"), "--county", "张家港市")
