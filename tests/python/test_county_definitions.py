"""A county's own permit through the Python module (docs/definitions.md, the walk-through): the example road
occupation definition loaded from a definitions_dir, its hand-counted deadlines, the one-year rule tied to the
dates, certificates held to them, the list of loaded versions, and an in-place edit refused."""
import json
import os
import shutil

import pytest

import permitflow
from pfhelpers import CLERK, HEAD, at, d, reviewer

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
EXAMPLE = os.path.join(SOURCE, "examples", "definitions", "road_occupation.json")
APPLICANT = {"id": "91320922MA1ROAD01X", "role": "applicant"}


@pytest.fixture
def county(tmp_path):
    folder = tmp_path / "county"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "road_occupation.json")
    return folder


def occupation(end, when=None):
    return {"permit": "road_occupation", "applicant": {"id": APPLICANT["id"], "name": "城东建设有限公司"},
            "actor": APPLICANT, "at": when or at("2026-06-15"),
            "facts": {"location": "人民路（解放路至建设路）", "purpose": "临时堆放建筑材料", "occupied_area_m2": 120,
                      "on_carriageway": True, "planned_start": d("2026-07-01"), "planned_end": d(end)},
            "materials": [{"id": m, "format": "pdf", "expires_on": d("2030-12-31")}
                          for m in ("application_form", "applicant_id", "site_plan", "traffic_plan", "safety_plan")]}


def test_a_county_permit_end_to_end(tmp_path, county):
    with permitflow.Engine(str(tmp_path / "cases.db"), definitions_dir=str(county), county_code="320922") as e:
        loaded = [x for x in e.definitions("2026-06-15")["definitions"] if x["id"] == "road_occupation"]
        assert [(x["version"], x["in_effect"], len(x["hash"])) for x in loaded] == [(1, True, 64)]

        notice = e.precheck(occupation("2027-12-31"))
        assert notice["complete"] is True
        assert notice["flags"] == ["occupation_exceeds_one_year", "long_carriageway_occupation"]
        rule = next(r for r in notice["rules"] if r["rule"] == "occupation_exceeds_one_year")
        assert rule["kind"] == "prohibition" and rule["holds"] is True
        assert rule["facts"] == {"planned_start": "2026-07-01", "planned_end": "2027-12-31"}

        c = e.submit(occupation("2027-06-30"))
        assert c["id"].startswith("320922-RO-")
        assert c["flags"] == ["long_carriageway_occupation"]
        assert c["deadlines"]["acceptance_notice"]["due"] == "2026-06-23"
        c = e.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-16", "11:00")})
        assert c["deadlines"]["decision"]["due"] == "2026-06-24"
        assert c["deadlines"]["decision"]["statutory_due"] == "2026-07-15"
        for dept in ("municipal_roads", "traffic_police"):
            e.execute(c["id"], {"type": "record_opinion", "actor": reviewer(dept), "at": at("2026-06-17"),
                                "department": dept, "opinion": "approve"})
        e.execute(c["id"], {"type": "record_inspection", "actor": CLERK, "at": at("2026-06-18"),
                            "inspectors": ["insp-1", "insp-2"], "findings": "现场符合要求"})
        c = e.execute(c["id"], {"type": "decide", "actor": HEAD, "at": at("2026-06-24"), "outcome": "approved"})
        assert c["deadlines"]["issuance"]["due"] == "2026-07-08"
        with pytest.raises(permitflow.RuleViolation, match="runs at most 12 months"):
            e.execute(c["id"], {"type": "issue_certificate", "actor": CLERK, "at": at("2026-06-25"),
                                "valid_until": d("2028-12-31")})
        c = e.execute(c["id"], {"type": "issue_certificate", "actor": CLERK, "at": at("2026-06-25")})
        assert (c["certificate"]["valid_from"], c["certificate"]["valid_until"]) == ("2026-07-01", "2027-06-30")
        assert e.verify()["ok"] is True

    # The published version edited in place: refused at open, naming the file and the fix.
    path = county / "road_occupation.json"
    edited = json.loads(path.read_text())
    edited["limits"]["promised"] = 6
    path.write_text(json.dumps(edited, ensure_ascii=False))
    with pytest.raises(permitflow.InvalidArgument, match=r'road_occupation\.json: definition road_occupation '
                                                         r'version 1 differs .*"version": 2'):
        permitflow.Engine(str(tmp_path / "cases.db"), definitions_dir=str(county))


def test_an_occupation_longer_than_a_year_cannot_be_approved(tmp_path, county):
    with permitflow.Engine(str(tmp_path / "cases.db"), definitions_dir=str(county)) as e:
        c = e.submit(occupation("2027-07-02"))
        assert "occupation_exceeds_one_year" in c["flags"]
        e.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-16", "11:00")})
        for dept in ("municipal_roads", "traffic_police"):
            e.execute(c["id"], {"type": "record_opinion", "actor": reviewer(dept), "at": at("2026-06-17"),
                                "department": dept, "opinion": "approve"})
        e.execute(c["id"], {"type": "record_inspection", "actor": CLERK, "at": at("2026-06-18"),
                            "inspectors": ["insp-1", "insp-2"], "findings": "ok"})
        with pytest.raises(permitflow.RuleViolation, match="occupation_exceeds_one_year"):
            e.execute(c["id"], {"type": "decide", "actor": HEAD, "at": at("2026-06-19"), "outcome": "approved"})
