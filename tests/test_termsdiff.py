"""Terms diff: every changed term once, list items matched by id, values shown as people read them,
and the clauses each change moved."""
from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from _pairs import PAIRS, ROOT, edited, loaded, versions
from acscontracts.compare.termsdiff import ADDED, CHANGED, REMOVED, compare, diff_terms, format_text, plain_words


def _paths(changes):
    return [c.path for c in changes]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.name)
def test_diff_names_each_change_once(pair):
    old, new = versions(pair)
    changes = diff_terms(old.loaded, new.loaded)
    paths = _paths(changes)
    assert len({c.words() for c in changes}) == len(changes), paths
    for expected in pair.expected:
        assert paths.count(expected) == 1, (expected, paths)


def test_unchanged_terms_have_no_changes():
    base = loaded("northvale-alliance.yaml")
    assert diff_terms(base, edited(base, lambda d: None)) == []


def test_values_are_formatted_for_people():
    base = loaded("northvale-alliance.yaml")

    def edit(d):
        d["funding"]["risk_share"]["corridors"][0]["shares"][1]["pct"] = Decimal(20)
        d["governance"]["alliance_manager"]["cost_pa"] = Decimal(950000)
        d["funding"]["pooled_funds"][0]["review_date"] = "2027-06-30"
        d["funding"]["budget"]["annual_amount"] = Decimal(1400000000)

    words = [c.words() for c in diff_terms(base, edited(base, edit))]
    assert "funding.risk_share.corridors[0].shares[northvale-hospitals].pct: 15.00% → 20.00%" in words
    assert "governance.alliance_manager.cost_pa: £900,000 → £950,000" in words
    assert "funding.pooled_funds[bcf-northvale].review_date: 31 March 2027 → 30 June 2027" in words
    assert "funding.budget.annual_amount: £1,320,000,000 → £1,400,000,000" in words


def test_a_partner_inserted_first_is_one_addition():
    pair = next(p for p in PAIRS if p.name == "partner-added")
    old, new = versions(pair)
    changes = diff_terms(old.loaded, new.loaded)
    partner_changes = [c for c in changes if c.parts[0] == "partners"]
    assert len(partner_changes) == 1
    assert partner_changes[0].kind == ADDED
    assert partner_changes[0].words() == "partners[northvale-hospice]: added “St Luke's Hospice Northvale”"
    # the board members and approvals lists gained one entry each, matched by partner_id
    assert [c.kind for c in changes if c.parts[:3] == ("governance", "board", "members")] == [ADDED]


def test_removed_partner_is_one_removal():
    pair = next(p for p in PAIRS if p.name == "partner-removed")
    old, new = versions(pair)
    changes = [c for c in diff_terms(old.loaded, new.loaded) if c.parts[0] == "partners"]
    assert [(c.kind, c.path) for c in changes] == [(REMOVED, "partners[eastport-city]")]


def test_lists_of_scalars_are_sets():
    base = loaded("northvale-alliance.yaml")

    def reorder(d):
        d["scope"]["services"].reverse()

    assert diff_terms(base, edited(base, reorder)) == []

    def add(d):
        d["scope"]["services"].insert(0, "Urgent community response")

    changes = diff_terms(base, edited(base, add))
    assert [c.words() for c in changes] == ["scope.services: added “Urgent community response”"]


def test_records_without_ids_are_aligned_not_shifted():
    base = loaded("northvale-alliance.yaml")
    corridor = {"from_pct": Decimal("0.1"), "to_pct": Decimal("0.5"), "direction": "gain",
                "shares": [{"partner_id": "northvale-icb", "pct": Decimal(100)}]}

    def insert_first(d):
        d["funding"]["risk_share"]["corridors"].insert(0, copy.deepcopy(corridor))

    changes = diff_terms(base, edited(base, insert_first))
    assert [c.words() for c in changes] == \
        ["funding.risk_share.corridors[0]: added corridor 0.10% to 0.50% (gain)"]


def test_plain_words_name_partners():
    pair = PAIRS[0]
    old, new = versions(pair)
    change = diff_terms(old.loaded, new.loaded)[1]
    assert plain_words(change.parts, {"northvale-hospitals": "NHFT"}) == \
        "Funding, risk share, corridor 1, share (NHFT), percentage"


# --------------------------------------------------------------------------- clauses affected


@pytest.fixture(scope="module")
def comparisons(engine):
    out = {}
    for pair in PAIRS:
        if pair.name in ("money-changed", "pct-only", "share-changed", "partner-added", "phase-moved"):
            out[pair.name] = compare(*versions(pair), engine)
    return out


def test_a_money_change_affects_the_clause_that_states_it(comparisons):
    comparison = comparisons["money-changed"]
    (change,) = comparison.changes
    assert change.affects, format_text(comparison)
    for ref in change.affects:
        text = next(d.new_text for i in comparison.documents for d in i.clauses if d.ref == ref)
        assert "£950,000" in text
    assert not comparison.unexplained


def test_one_percentage_moves_only_the_clauses_that_state_it(comparisons):
    comparison = comparisons["pct-only"]
    changed = [d for i in comparison.documents for d in i.clauses]
    assert changed, format_text(comparison)
    for clause in changed:  # nothing else moved in them
        assert clause.old_text.replace("75.00%", "70.00%").replace("75%", "70%") == clause.new_text
    assert set(comparison.changes[0].affects) == {d.ref for d in changed}


def test_every_changed_clause_is_listed(comparisons):
    comparison = comparisons["partner-added"]
    (impact,) = [i for i in comparison.documents if i.document == "alliance_agreement"]
    assert impact.status == CHANGED and impact.other_changes  # a new party on the front page and execution page
    labels = {c.ref.clause_id for c in impact.clauses}
    assert "preamble" in labels
    partner = next(c for c in comparison.changes if c.path == "partners[northvale-hospice]")
    assert partner.affects
    text = format_text(comparison)
    assert text.count("partners[northvale-hospice]: added") == 1


def test_json_record_is_complete(comparisons):
    record = comparisons["share-changed"].as_record()
    json.dumps(record)  # serialisable
    paths = [c["path"] for c in record["changes"]]
    assert paths == ["funding.risk_share.corridors[0].shares[northvale-icb].pct",
                     "funding.risk_share.corridors[0].shares[northvale-hospitals].pct"]
    assert record["changes"][1]["old"] == "15.00%" and record["changes"][1]["new"] == "20.00%"


# --------------------------------------------------------------------------- command line


def _write_yaml_edit(tmp_path, old_text: str, new_text: str, name="northvale-alliance.yaml"):
    source = (ROOT / "samples" / name).read_text(encoding="utf-8")
    assert source.count(old_text) == 1
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(source, encoding="utf-8")
    new.write_text(source.replace(old_text, new_text), encoding="utf-8")
    return old, new


def test_diff_command_text_json_and_summary(tmp_path, engine):
    from acscontracts.cli.compare import diff

    old, new = _write_yaml_edit(tmp_path, "{partner_id: northvale-hospitals, pct: 15}",
                                "{partner_id: northvale-hospitals, pct: 20}")
    (tmp_path / "new.yaml").write_text((tmp_path / "new.yaml").read_text().replace(
        "{partner_id: northvale-icb, pct: 40}", "{partner_id: northvale-icb, pct: 35}"))
    runner = CliRunner()
    result = runner.invoke(diff, [str(old), str(new)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "funding.risk_share.corridors[0].shares[northvale-hospitals].pct: 15.00% → 20.00%" in result.output
    result = runner.invoke(diff, [str(old), str(new), "--format", "json"], catch_exceptions=False)
    record = json.loads(result.output)
    assert len(record["changes"]) == 2
    summary = tmp_path / "summary.docx"
    result = runner.invoke(diff, [str(old), str(new), "--summary", str(summary)], catch_exceptions=False)
    assert result.exit_code == 0 and summary.stat().st_size > 1000
    result = runner.invoke(diff, [str(old), str(new), "--summary", str(tmp_path / "summary.txt")],
                           catch_exceptions=False)
    text = (tmp_path / "summary.txt").read_text(encoding="utf-8")
    assert "SUMMARY OF CHANGES" in text and "15.00%" in text and "20.00%" in text


def test_diff_output_never_passes_terminal_escapes(tmp_path, engine):
    from acscontracts.cli.compare import diff

    old, new = _write_yaml_edit(tmp_path, "mediator: the Centre for Effective Dispute Resolution (CEDR)",
                                'mediator: "CEDR \\u202Edesrever\\nred"')
    runner = CliRunner()
    for args in ([], ["--format", "json"]):
        result = runner.invoke(diff, [str(old), str(new), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "\u202e" not in result.output and "disputes.mediator" in result.output
