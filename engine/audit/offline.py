"""The offline verifier of the auditors' exports with proofs (`jarchy audit verify-export`): runs on a machine
that has no database, no settings and no network, with nothing but the export files, a checkpoint the auditor
kept (from a witness, a mirror directory or an earlier export) and the office's public key.

Checks, in this order, and stops at the first failure (`Failure`, naming the event by seq and id, or the
checkpoint by size): the trusted checkpoint's signature; that events shared by several exports are identical and
that a complete export (no filters) lacks none of another's events its checkpoint covers; then each export's
checkpoints (signature, the listed size and root, the timestamp token, the consistency proof from the previous
one; the export's own checkpoint, which its proofs lead to, must be the last) and that the trusted checkpoint
is one of them (a different root at its size is a fork: two histories signed for one size); each event's leaf,
recomputed from its canonical fields (engine.audit.chain.canonical_fields), the fields it shows (what an auditor
reads) agreeing with them, its chain link and its inclusion proof in the export's checkpoint; and last, events
after the trusted checkpoint that claim a time more than ten minutes before it was signed (backdated).

Pure functions over parsed files; hand-written, as the formats are Jarchy's own (docs/audit.md)."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.audit import merkle, notes, timestamps
from engine.audit.chain import FIELDS, GENESIS, canonical_fields, link

BACKDATED = timedelta(minutes=10)  # how far an event after a checkpoint may claim a time before it was signed
FORMAT = "jarchy-audit-proofs/1"  # the `format` of an export's `proofs` object (engine.audit.proofs writes it)


class Failure(Exception):
    """The first thing that does not hold: `where` names the event (seq and id) or the checkpoint (size)."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


@dataclass
class Export:
    name: str
    header: dict[str, Any] | None  # the `proofs` object (None: a CSV whose checkpoints come in another file)
    events: list[dict[str, Any]] = field(default_factory=list)  # id, seq, hash, prev_hash, canonical, proof
    has_events: bool = True  # False: a file of checkpoints only (`proofs=checkpoints`)

    @property
    def checkpoint_size(self) -> int:
        last = (self.header or {}).get("checkpoint")
        return int(last["size"]) if last else 0

    @property
    def complete(self) -> bool:
        return bool((self.header or {}).get("complete"))


@dataclass
class Report:
    events: int
    size: int
    signed_at: datetime | None
    timestamps: str
    exports: int
    complete: int = 0  # how many of the exports claim to hold every event
    unproved: int = 0  # events after every checkpoint they were exported with: their links checked, no proof yet


def load(path: Path) -> Export:
    """An export file: JSON (with or without events) or CSV, told apart by its first character."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Failure(path.name, f"cannot be read: {exc}") from None
    if text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise Failure(path.name, f"not JSON: {exc}") from None
        return from_json(path.name, data)
    reader = csv.DictReader(io.StringIO(text))
    if "canonical" not in (reader.fieldnames or ()):
        raise Failure(path.name, "the CSV carries no proofs (export it with proofs=true)")
    return Export(path.name, None, [_csv_event(path.name, row) for row in reader])


def from_json(name: str, data: Any) -> Export:
    """A JSON export with proofs (or a file of checkpoints alone), already parsed."""
    header = data.get("proofs") if isinstance(data, dict) else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Failure(name, "the export carries no proofs (export it with proofs=true)")
    if "items" not in data:
        return Export(name, header, [], has_events=False)
    if not isinstance(data["items"], list):
        raise Failure(name, "its items are not a list of events")
    return Export(name, header, [_event(name, item) for item in data["items"]])


def verify(exports: Sequence[Export], trusted_note: str, public_key: Ed25519PublicKey,
           tsa_certificates: Sequence[bytes] | None = None) -> Report:
    try:
        trusted = notes.open_note(trusted_note, public_key)
    except notes.BadNote as exc:
        raise Failure("the trusted checkpoint", exc.detail) from None
    stamps: list[str] = []
    with_events = [e for e in exports if e.has_events]
    try:
        _pair_histories(exports)
        _compare(with_events)
        for export in exports:
            roots = _checkpoints(export, public_key, tsa_certificates, stamps)
            _trusted_among(export, trusted, roots)
            if export.has_events:
                _events(export, roots)
        _backdated(with_events, trusted)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a field missing or of the wrong kind
        raise Failure("the export", f"malformed: {exc!r}") from None
    checked = {e["seq"] for export in with_events for e in export.events}
    proved = {e["seq"] for export in with_events for e in export.events if e["seq"] <= export.checkpoint_size}
    return Report(len(checked), trusted.size, trusted.signed_at, _stamp_verdict(stamps, tsa_certificates),
                  len(exports), sum(1 for e in with_events if e.complete), len(checked - proved))


# -- reading ----------------------------------------------------------------------------------------------------

def _event(name: str, item: Any) -> dict[str, Any]:
    seq = item.get("seq") if isinstance(item, dict) else None
    try:
        return {"id": item.get("id"), "seq": int(item["seq"]), "hash": item["hash"], "prev_hash": item["prev_hash"],
                "canonical": dict(item["canonical"]), "proof": item.get("proof"),
                "shown": {name: item[name] for name in FIELDS if name in item}, "csv": False}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise Failure(name, f"event {seq!r} lacks its canonical fields, link or hash") from None


def _csv_event(name: str, row: dict[str, str]) -> dict[str, Any]:
    try:
        proof = None if not row.get("tree_size") else {
            "leaf_index": int(row["leaf_index"]), "tree_size": int(row["tree_size"]),
            "audit_path": row["audit_path"].split()}
        return {"id": int(row["id"]), "seq": int(row["seq"]), "hash": row["hash"], "prev_hash": row["prev_hash"],
                "canonical": dict(json.loads(row["canonical"])), "proof": proof,
                "shown": {name: row[name] for name in FIELDS if name in row}, "csv": True}
    except (KeyError, TypeError, ValueError, AttributeError):  # a short row holds None, a long one a list
        raise Failure(name, f"row of seq {row.get('seq')!r} lacks its canonical fields, link or proof") from None


def _pair_histories(exports: Sequence[Export]) -> None:
    """A CSV export takes the checkpoints file whose checkpoint its proofs lead to."""
    histories = [e for e in exports if not e.has_events]
    for export in exports:
        if export.header is not None:
            continue
        sizes = {e["proof"]["tree_size"] for e in export.events if e["proof"]}
        found = [h for h in histories if not sizes or h.checkpoint_size in sizes]
        if not found:
            raise Failure(export.name, "a CSV export needs the file of its checkpoints (proofs=checkpoints) "
                                       "given with it")
        export.header = found[0].header


# -- the checks -------------------------------------------------------------------------------------------------

def _where(event: dict[str, Any]) -> str:
    return f"event seq {event['seq']} (id {event['id']})"


def _compare(exports: Sequence[Export]) -> None:
    """Events shared by two exports must be identical; a complete export lacks none its checkpoint covers."""
    found: list[tuple[int, str, str]] = []
    for i, first in enumerate(exports):
        mine = {e["seq"]: e for e in first.events}
        for second in exports[i + 1:]:
            theirs = {e["seq"]: e for e in second.events}
            for seq in sorted(mine.keys() & theirs.keys()):
                a, b = mine[seq], theirs[seq]
                if canonical_fields(a["canonical"]) != canonical_fields(b["canonical"]) or a["hash"] != b["hash"]:
                    found.append((seq, _where(b), f"differs between {first.name} and {second.name}"))
                    break
            for one, other, other_events in ((first, second, theirs), (second, first, mine)):
                if not other.complete:
                    continue
                ones = {e["seq"]: e for e in one.events}
                gone = [s for s in sorted(ones) if s not in other_events and s <= other.checkpoint_size]
                if gone:
                    found.append((gone[0], _where(ones[gone[0]]),
                                  f"is in {one.name} but missing from {other.name}, whose checkpoint of size "
                                  f"{other.checkpoint_size} covers it"))
    if found:
        _, where, reason = min(found)
        raise Failure(where, reason)


def _checkpoints(export: Export, public_key: Ed25519PublicKey, certificates: Sequence[bytes] | None,
                 stamps: list[str]) -> dict[int, bytes]:
    header = export.header or {}
    listed = header.get("checkpoints") or []
    roots: dict[int, bytes] = {}
    previous: tuple[int, bytes] | None = None
    for entry in listed:
        where = f"checkpoint of size {entry.get('size')} in {export.name}"
        try:
            opened = notes.open_note(entry["note"], public_key)
        except notes.BadNote as exc:
            raise Failure(where, exc.detail) from None
        if opened.size != entry["size"] or opened.root.hex() != entry["root"]:
            raise Failure(where, "its size or root is not what its signed note says")
        if entry.get("timestamp_token"):
            stamps.append(_timestamp(where, entry, certificates))
        if previous is not None:
            proof = [bytes.fromhex(h) for h in entry.get("consistency") or []]
            if not merkle.verify_consistency(previous[0], opened.size, previous[1], opened.root, proof):
                raise Failure(where, f"it is not consistent with the checkpoint of size {previous[0]}: the history "
                                     "before it was rewritten")
        previous = (opened.size, opened.root)
        roots[opened.size] = opened.root
    # the export's checkpoint is the one every proof is checked against: it must be the last signed one, never
    # null or an earlier one, else events between it and the trusted checkpoint would go unproved
    last = header.get("checkpoint")
    if previous is not None and (last is None or (last["size"], last["root"]) != (previous[0], previous[1].hex())):
        raise Failure(f"checkpoint of size {None if last is None else last['size']} in {export.name}",
                      f"it is not the last of its history (the checkpoint of size {previous[0]})")
    if previous is None and last is not None:
        raise Failure(f"checkpoint of size {last['size']} in {export.name}", "it is not among its history")
    return roots


def _timestamp(where: str, entry: dict[str, Any], certificates: Sequence[bytes] | None) -> str:
    body = notes.signed_body(entry["note"]).encode()
    try:
        stamp = timestamps.verify_token(base64.b64decode(entry["timestamp_token"]), body,
                                        trusted=tuple(certificates or ()))
    except timestamps.TimestampInvalid as exc:
        raise Failure(where, f"its timestamp token does not verify ({exc.code}): {exc.detail}") from None
    return f"size {entry['size']} stamped {stamp.gen_time.isoformat()} by {stamp.tsa}"


def _trusted_among(export: Export, trusted: notes.Checkpoint, roots: dict[int, bytes]) -> None:
    if trusted.size in roots:
        if roots[trusted.size] != trusted.root:
            raise Failure(f"checkpoint of size {trusted.size}",
                          f"two histories signed for size {trusted.size}: {export.name}'s root differs from the "
                          "trusted checkpoint's")
        return
    if export.complete and len(export.events) >= trusted.size and all(
            e["seq"] == i + 1 for i, e in enumerate(sorted(export.events, key=lambda e: e["seq"])[:trusted.size])):
        leaves = [_leaf(e) for e in sorted(export.events, key=lambda e: e["seq"])[:trusted.size]]
        if merkle.root(leaves) == trusted.root:
            return
        raise Failure(f"checkpoint of size {trusted.size}",
                      f"{export.name}'s events do not give the trusted checkpoint's root")
    raise Failure(f"checkpoint of size {trusted.size}",
                  f"the trusted checkpoint is not among {export.name}'s checkpoints and its events do not reach it")


def _leaf(event: dict[str, Any]) -> bytes:
    return merkle.leaf_hash(canonical_fields(event["canonical"]).encode())


def _events(export: Export, roots: dict[int, bytes]) -> None:
    size = export.checkpoint_size
    root = roots.get(size, merkle.EMPTY_ROOT)
    ordered = sorted(export.events, key=lambda e: e["seq"])
    previous: dict[str, Any] | None = None
    for position, event in enumerate(ordered):
        where = _where(event)
        if previous is not None and previous["seq"] == event["seq"]:  # a row injected beside the real one
            raise Failure(where, f"its seq appears twice in {export.name}")
        if export.complete and event["seq"] != position + 1:
            raise Failure(f"event seq {position + 1}", f"missing from {export.name}, which holds every event")
        if event["canonical"].get("seq") != event["seq"]:
            raise Failure(where, "its canonical fields name another seq")
        canonical = canonical_fields(event["canonical"])
        if link(event["prev_hash"], canonical) != event["hash"]:
            raise Failure(where, "its hash does not match its fields and link")
        differs = _shown_differs(event)
        if differs:
            raise Failure(where, f"the {differs} it shows is not the one its hash and proof cover (its canonical "
                                 "fields)")
        if event["seq"] == 1 and event["prev_hash"] != GENESIS:
            raise Failure(where, "the first event does not start the chain")
        if previous is not None and previous["seq"] + 1 == event["seq"] and event["prev_hash"] != previous["hash"]:
            raise Failure(where, "its link to the previous event does not match")
        proof = event["proof"]
        if event["seq"] <= size:
            if proof is None:
                raise Failure(where, f"it has no proof, though the checkpoint of size {size} covers it")
            path = [bytes.fromhex(h) for h in proof["audit_path"]]
            if (proof["tree_size"] != size or proof["leaf_index"] != event["seq"] - 1
                    or not merkle.verify_inclusion(_leaf(event), event["seq"] - 1, size, path, root)):
                raise Failure(where, f"it is not the event the checkpoint of size {size} signed (its inclusion "
                                     "proof does not lead to the signed root)")
        previous = event
    if export.complete and len(ordered) < size:
        raise Failure(f"event seq {len(ordered) + 1}",
                      f"missing from {export.name}, though its checkpoint of size {size} covers it")


def _shown_differs(event: dict[str, Any]) -> str | None:
    """The first field an event shows (the JSON's or the CSV's columns, what an auditor reads) that differs from
    its canonical fields, which alone its hash and proof cover; None when they agree."""
    canonical = event["canonical"]
    for name, shown in event["shown"].items():
        signed = canonical.get(name)
        if name == "occurred_at":  # shown in the office's zone, hashed in UTC
            same = datetime.fromisoformat(shown) == datetime.fromisoformat(signed)
        elif not event["csv"]:
            same = shown == signed
        elif name in ("before", "after"):  # JSON in a CSV cell, empty for none
            same = (json.loads(shown) if shown else None) == signed
        else:
            same = shown == ("" if signed is None else str(signed))
        if not same:
            return name
    return None


def _backdated(exports: Sequence[Export], trusted: notes.Checkpoint) -> None:
    if trusted.signed_at is None:
        return
    limit = trusted.signed_at - BACKDATED
    late = sorted((e for export in exports for e in export.events if e["seq"] > trusted.size),
                  key=lambda e: e["seq"])
    for event in late:
        claimed = datetime.fromisoformat(event["canonical"]["occurred_at"])
        if claimed < limit:
            raise Failure(_where(event), f"backdated: it came after the checkpoint of size {trusted.size} but "
                                         f"claims {claimed.isoformat()}, before that checkpoint was signed "
                                         f"({trusted.signed_at.isoformat()})")


def _stamp_verdict(stamps: list[str], certificates: Sequence[bytes] | None) -> str:
    if not stamps:
        return "no timestamp tokens in the export"
    how = ("trusted TSA certificate given" if certificates
           else "the tokens' own signatures only: no --tsa-cert given, the TSA is not trusted")
    return f"{len(stamps)} timestamp token(s) verified ({how}); " + "; ".join(stamps)
