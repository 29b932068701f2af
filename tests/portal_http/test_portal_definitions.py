"""The portal loads a county's definitions (--definitions-dir, --county-code; docs/definitions.md) and
GET /api/definitions answers what the engine loaded: per permit the version in effect on the portal's date,
and every version with its hash and effective date."""
import json
import os
import shutil
import subprocess

from conftest import PORTAL

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EXAMPLE = os.path.join(SOURCE, "examples", "definitions", "road_occupation.json")


def county_folder(tmp_path, version2_from=None):
    folder = tmp_path / "county"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "road_occupation.json")
    if version2_from:
        doc = json.load(open(EXAMPLE, encoding="utf-8"))
        doc["version"] = 2
        doc["limits"]["promised"] = 4
        doc["effective_from"] = version2_from
        (folder / "road_occupation.v2.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return folder


def test_definitions_lists_the_county_permit_with_hashes_and_effective_dates(tmp_path, start_portal):
    folder = county_folder(tmp_path, version2_from="2026-12-15")
    portal = start_portal("--definitions-dir", str(folder), "--county-code", "320923",
                          clock="2026-12-01T09:00:00+08:00")
    defs = portal.json("GET", "/api/definitions")
    assert set(defs) == {"road_excavation", "outdoor_advertising", "construction_waste", "road_occupation"}
    ro = defs["road_occupation"]
    assert ro["version"] == 1 and ro["effective_from"] is None and len(ro["hash"]) == 64
    assert ro["name"]["zh"] == "临时占用城市道路审批"
    assert [m["id"] for m in ro["co_approving"]] == ["municipal_roads", "traffic_police"]
    assert [(v["version"], v["effective_from"], v["in_effect"]) for v in ro["versions"]] == [
        (1, None, True), (2, "2026-12-15", False)]
    assert ro["versions"][1]["file"].endswith("road_occupation.v2.json")
    assert ro["versions"][0]["hash"] == ro["hash"] != ro["versions"][1]["hash"]
    # The shipped permit: version 1 kept beside the current file for the cases filed under it.
    assert [v["file"] for v in defs["road_excavation"]["versions"]] == [
        "definitions/road_excavation.v1.json", "definitions/road_excavation.json"]


def test_a_bad_definitions_dir_stops_the_portal_naming_the_file(tmp_path):
    folder = county_folder(tmp_path)
    doc = json.load(open(EXAMPLE, encoding="utf-8"))
    doc["short_code"] = "RE"  # road excavation's
    (folder / "road_occupation.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([PORTAL, "--db", str(tmp_path / "p.db"), "--port", "0", "--demo", "--definitions-dir", str(folder)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "road_occupation.json: /short_code: short code 'RE' is already used by road_excavation" in r.stderr
