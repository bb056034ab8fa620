"""The merge rule on its own (domain/merge.py): revisions as plain dicts, no database, no clock."""

from __future__ import annotations

from kh_desktop.domain.merge import Outcome, agree, decide, is_older


class Chain:
    """A few revisions by id, answering the ancestry questions as the storage layer does."""

    def __init__(self, *revisions: dict):
        self.rows = {r["id"]: r for r in revisions}

    def get(self, revision_id):
        return self.rows.get(revision_id)

    @staticmethod
    def parents(row):
        return [p for p in (row.get("supersedes"), row.get("merges")) if p]

    def older(self, a, b):
        return is_older(a, b, self.get, self.parents)

    def agree(self, a, b):
        return agree(a, b, ("value",))


def rev(id_, pc, number, value=1.0, supersedes=None, merges=None, deleted=0):
    return {
        "id": id_,
        "pc_id": pc,
        "pc_revision": number,
        "value": value,
        "supersedes": supersedes,
        "merges": merges,
        "deleted": deleted,
    }


A1 = rev("a1", "pc-a", 1, 10.0)
A2 = rev("a2", "pc-a", 2, 11.0, supersedes="a1")
B1 = rev("b1", "pc-b", 1, 12.0, supersedes="a1")  # B edited A's first value
B2 = rev("b2", "pc-b", 5, 13.0)  # B wrote the same figure without having seen A's
SETTLED = rev("s1", "pc-c", 9, 11.0, supersedes="a2", merges="b2")


def test_new_record_is_added_and_a_removal_of_nothing_changes_nothing():
    chain = Chain(A1)
    assert decide(chain, A1, (None, None), False) == (Outcome.ADDED, ("a1", None))
    gone = rev("d1", "pc-a", 3, deleted=1)
    assert decide(chain, gone, (None, None), False) == (Outcome.UNCHANGED, ("d1", None))


def test_a_descendant_updates_and_an_ancestor_is_stale_whatever_the_pc_numbers():
    chain = Chain(A1, A2, B1)
    assert decide(chain, B1, ("a1", None), False) == (Outcome.UPDATED, ("b1", None))
    assert decide(chain, A1, ("b1", None), False) == (Outcome.STALE, ("b1", None))
    assert decide(chain, A2, ("a1", None), False) == (Outcome.UPDATED, ("a2", None))


def test_two_pcs_without_a_common_line_conflict_unless_they_agree():
    chain = Chain(A2, B2, A1)
    assert decide(chain, B2, ("a2", None), False) == (Outcome.CONFLICTS, ("a2", "b2"))
    same = rev("b3", "pc-b", 6, 11.0)
    chain.rows["b3"] = same
    assert decide(chain, same, ("a2", None), False) == (Outcome.UNCHANGED, ("a2", None))


def test_a_settlement_supersedes_both_sides_and_ends_the_conflict():
    chain = Chain(A1, A2, B2, SETTLED)
    assert decide(chain, SETTLED, ("a2", "b2"), False) == (Outcome.UPDATED, ("s1", None))
    assert decide(chain, B2, ("s1", None), True) == (Outcome.STALE, ("s1", None))


def test_a_third_claim_keeps_the_first_conflict_shown():
    third = rev("c1", "pc-c", 1, 99.0)
    chain = Chain(A2, B2, third, A1)
    assert decide(chain, third, ("a2", "b2"), False) == (Outcome.CONFLICTS, ("a2", "b2"))


def test_same_pc_orders_by_its_own_numbers_not_by_anything_else():
    late = rev("x9", "pc-a", 9, 1.0)
    early = rev("x2", "pc-a", 2, 2.0)
    chain = Chain(late, early)
    assert chain.older(early, late) and not chain.older(late, early)
