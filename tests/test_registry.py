"""The portal registry: the real file, and clear errors for malformed rows."""

from pathlib import Path

import pytest

from scraper.registry import FAMILIES, RegistryError, load_registry, select_portals

REGISTRY = Path(__file__).resolve().parent.parent / "spiders" / "portals.toml"
GOOD_ROW = """[[portal]]
id = "dong-nai.dinh-quan"
name = "Cổng thông tin điện tử huyện Định Quán"
province = "Đồng Nai"
unit = "Huyện Định Quán"
level = "district"
base_url = "https://dinhquan.dongnai.gov.vn/"
"""


def test_registry_ids_are_unique_and_sorted():
    ids = [p.id for p in load_registry(REGISTRY)]
    assert ids == sorted(set(ids))


def test_registry_families_are_known():
    assert {p.family for p in load_registry(REGISTRY)} <= set(FAMILIES)


@pytest.mark.parametrize(
    "portal_id",
    ["dong-nai.dinh-quan", "thanh-hoa.nhu-xuan", "ninh-binh.tam-diep", "can-tho.vinh-thanh", "ca-mau.ngoc-hien"],
)
def test_seed_portals_are_registered(portal_id):
    assert select_portals(load_registry(REGISTRY), [portal_id])[0].level == "district"


def test_registry_has_the_34_provinces_of_2025():
    provinces = [p for p in load_registry(REGISTRY) if p.level == "province" and not p.successor]
    assert len(provinces) == 34


def test_merged_provinces_name_a_registered_successor():
    portals = load_registry(REGISTRY)
    ids = {p.id for p in portals}
    assert [p.id for p in portals if p.successor and p.successor not in ids] == []


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD_ROW.replace('level = "district"\n', ""), "portal #1 (dong-nai.dinh-quan): field 'level' is missing"),
        (GOOD_ROW.replace('"district"', '"huyen"'), "field 'level' is 'huyen', expected one of province, district, commune"),
        (GOOD_ROW.replace('"dong-nai.dinh-quan"', '"Đồng-Nai.Định Quán"'), "field 'id' must be '<province>.<unit>'"),
        (GOOD_ROW + 'famly = "nukeviet"\n', "unknown field 'famly'"),
        (GOOD_ROW.replace("https://dinhquan", "dinhquan"), "field 'base_url' must be an http(s) URL"),
        (GOOD_ROW + 'family = "joomla"\n', "field 'family' is 'joomla'"),
        (GOOD_ROW + "start_urls = \"/news/\"\n", "field 'start_urls' must be a list of strings"),
        (GOOD_ROW + "[portal.hints]\ndate_css = 5\n", "field 'hints.date_css' must be a string"),
        (GOOD_ROW + GOOD_ROW, "portal #2 (dong-nai.dinh-quan): field 'id' repeats an earlier row"),
        ("[[portal]\nid=", "not valid TOML"),
    ],
    ids=["missing", "bad-level", "bad-id", "unknown-field", "bad-url", "bad-family", "not-a-list",
         "hint-type", "duplicate", "toml-syntax"],
)
def test_malformed_row_error_names_file_row_and_field(tmp_path, row, message):
    path = tmp_path / "portals.toml"
    path.write_text(row, encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        load_registry(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_unknown_portal_suggests_the_closest_id():
    with pytest.raises(RegistryError) as error:
        select_portals(load_registry(REGISTRY), ["can-tho.vinhthanh"])
    assert str(error.value) == "unknown portal 'can-tho.vinhthanh'; did you mean 'can-tho.vinh-thanh'?"
