"""A history rewritten by whoever controls the database, with every chain hash recomputed so that the chain check
still says intact, is caught by a signed checkpoint kept outside: `jarchy audit verify --checkpoint` and the offline
verifier (`jarchy audit verify-export`, run with an empty environment in an empty directory) both name the first
changed event. Also: the proofs API, its refusals, and a clean history passing both."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.cli import main
from db.models import AuditChainHead, AuditEvent, AuditTree, AuditTreeNode
from db.vocabulary import EventType
from engine.audit import chain, checkpoints, keys, merkle, notes, tree
from tests.integration.test_audit import a_case_with_history

pytestmark = pytest.mark.usefixtures("deployed")


# -- the outside world: a witness's directory mirror, exports kept by an auditor ---------------------------------

def checkpoint(sessions: Any, settings: Any, clock: Any) -> Any:
    with sessions.begin() as session:
        return checkpoints.create(session, settings, clock.now())


def write_mirror(directory: Path, sessions: Any, settings: Any, row: Any) -> Path:
    """The shared layout of a directory push target, written as the checkpoints' pusher does."""
    (directory / "checkpoints").mkdir(parents=True, exist_ok=True)
    (directory / "checkpoint").write_text(row.note, encoding="utf-8")
    (directory / "checkpoints" / f"{row.size}.note").write_text(row.note, encoding="utf-8")
    (directory / "public_key.pem").write_text(notes.public_key_pem(keys.public_key(settings)), encoding="utf-8")
    with sessions() as session:
        (directory / "leaves").write_bytes(b"".join(tree.stored_leaves(session, 0, row.size)))
    return directory


def export(as_: Any, path: Path, query: str = "proofs=true") -> Path:
    response = as_("auditor").get(f"/api/v1/audit?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    path.write_bytes(response.get_data())
    return path


def verify_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    """The offline verifier on "another machine": no JARCHY_* variable, an empty working directory."""
    elsewhere = tmp_path / "auditor"
    elsewhere.mkdir(exist_ok=True)
    monkeypatch.chdir(elsewhere)
    cleared = {name: None for name in os.environ if name.startswith("JARCHY_")}
    result = CliRunner().invoke(main, ["audit", "verify-export", *args], env=cleared)
    assert not (elsewhere / "var").exists()
    return result


@pytest.fixture
def kept(as_: Any, sessions: Any, settings: Any, clock: Any, tmp_path: Path) -> dict[str, Any]:
    """A case's history, a checkpoint of it mirrored outside, an export with proofs taken then."""
    case = a_case_with_history(as_)
    clock.advance(minutes=5)
    row = checkpoint(sessions, settings, clock)
    mirror = write_mirror(tmp_path / "witness", sessions, settings, row)
    before = export(as_, tmp_path / "before.json")
    with sessions() as session:
        completed = session.scalars(select(AuditEvent).where(AuditEvent.type == "task.completed")).one()
    clock.advance(minutes=30)
    return {"case": case, "size": row.size, "mirror": mirror, "before": before, "seq": completed.seq,
            "signed_at": row.signed_at}


def verify_against(jarchy: Any, kept: dict[str, Any], *more: str) -> Any:
    mirror = kept["mirror"]
    return jarchy("audit", "verify", "--checkpoint", str(mirror / "checkpoint"),
                  "--public-key", str(mirror / "public_key.pem"), *more)


# -- rewrites, as a database administrator could do them ---------------------------------------------------------

def rehash_from(session: Session, seq: int) -> None:
    """Recompute every chain hash from `seq` on and the chain head: what makes today's chain check pass."""
    session.flush()
    session.expire_all()
    prev = chain.GENESIS if seq <= 1 else session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1))
    last = seq - 1
    for event in session.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)).all():
        event.prev_hash, event.hash = prev, chain.chain_hash(prev, event)
        prev, last = event.hash, event.seq
    session.execute(update(AuditChainHead).values(last_seq=last, last_hash=prev))


def cut_tail(session: Session, kept: dict[str, Any]) -> int:
    session.execute(delete(AuditEvent).where(AuditEvent.seq >= kept["seq"]))
    rehash_from(session, kept["seq"])
    return int(kept["seq"])


def edit_row(session: Session, kept: dict[str, Any]) -> int:
    session.execute(update(AuditEvent).where(AuditEvent.seq == kept["seq"])
                    .values(after={"handler": "press_secretary", "contributors": []}))
    rehash_from(session, kept["seq"])
    return int(kept["seq"])


def delete_and_renumber(session: Session, kept: dict[str, Any]) -> int:
    seq = kept["seq"]
    session.execute(delete(AuditEvent).where(AuditEvent.seq == seq))
    later = session.execute(select(AuditEvent.id, AuditEvent.seq).where(AuditEvent.seq > seq)
                            .order_by(AuditEvent.seq)).all()
    for event_id, old in later:
        session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(seq=old - 1))
    rehash_from(session, seq)
    return int(seq)


def forge_approval(session: Session, kept: dict[str, Any]) -> int:
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    forged = AuditEvent(seq=last.seq + 1, occurred_at=kept["signed_at"] - timedelta(hours=1), actor="pr",
                        type=EventType("task.completed"), instance_id=kept["case"]["id"],
                        task_id=last.task_id, subject=None, before=None, after={"decision": "approve"},
                        prev_hash=last.hash, hash="")
    forged.hash = chain.chain_hash(last.hash, forged)
    session.add(forged)
    session.execute(update(AuditChainHead).values(last_seq=forged.seq, last_hash=forged.hash))
    return int(forged.seq)


def delete_everything(session: Session, kept: dict[str, Any]) -> int:
    session.execute(delete(AuditEvent))
    session.execute(delete(AuditChainHead))
    return 1


def edit_row_and_tree(session: Session, kept: dict[str, Any]) -> int:
    seq = edit_row(session, kept)
    session.flush()
    session.execute(delete(AuditTreeNode))
    session.execute(delete(AuditTree))
    session.flush()
    tree.integrate(session)  # the whole tree recomputed from the rewritten events
    return seq


REWRITES: dict[str, Callable[[Session, dict[str, Any]], int]] = {
    "cut_tail": cut_tail, "edit_row": edit_row, "delete_and_renumber": delete_and_renumber,
    "forge_approval": forge_approval, "delete_everything": delete_everything, "edit_row_and_tree": edit_row_and_tree,
}


@pytest.mark.parametrize("rewrite", list(REWRITES))
def test_a_recomputed_history_passes_the_chain_check_but_not_the_checkpoint(
        rewrite: str, as_: Any, sessions: Any, jarchy: Any, kept: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with sessions.begin() as session:
        seq = REWRITES[rewrite](session, kept)
    chain_only = jarchy("audit", "verify")
    assert chain_only.exit_code == 0 and "chain intact" in chain_only.output

    against = verify_against(jarchy, kept, "--mirror", str(kept["mirror"]))
    assert against.exit_code == 1, against.output
    assert f"event seq {seq} " in against.output
    if rewrite == "edit_row_and_tree":  # the stored tree now agrees with the rewrite: only the mirror names it
        without_mirror = verify_against(jarchy, kept)
        assert without_mirror.exit_code == 1 and "does not give the checkpoint's root" in without_mirror.output
    elif rewrite != "forge_approval":
        assert verify_against(jarchy, kept).exit_code == 1

    after = export(as_, tmp_path / "after.json")
    mirror = kept["mirror"]
    offline = verify_export(tmp_path, monkeypatch, str(after), str(kept["before"]),
                            "--checkpoint", str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    assert offline.exit_code == 1, offline.output
    assert f"event seq {seq} " in offline.output
    if rewrite == "forge_approval":
        assert "backdated" in offline.output and "backdated" in against.output


def test_a_clean_history_passes_both(as_: Any, sessions: Any, jarchy: Any, kept: dict[str, Any], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    a_case_with_history(as_)  # more events after the checkpoint, at the current time: not backdated
    with sessions() as session:
        later = len(session.scalars(select(AuditEvent.id).where(AuditEvent.seq > kept["size"])).all())
    assert later > 0
    result = verify_against(jarchy, kept, "--mirror", str(kept["mirror"]))
    assert result.exit_code == 0, result.output
    assert f"checkpoint of size {kept['size']}" in result.output
    after = export(as_, tmp_path / "after.json")
    mirror = kept["mirror"]
    offline = verify_export(tmp_path, monkeypatch, str(after), str(kept["before"]),
                            "--checkpoint", str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    assert offline.exit_code == 0, offline.output
    assert f"checkpoint of size {kept['size']}" in offline.output and "no timestamp tokens" in offline.output
    assert f"{later} of the events came after the exports' checkpoints" in offline.output  # said, not hidden
    body = json.loads(after.read_text())
    assert [e["proof"] is None for e in body["items"]].count(False) == kept["size"]
    assert body["proofs"]["checkpoint"]["size"] == kept["size"] and body["proofs"]["complete"] is True


def test_a_csv_export_verifies_with_its_checkpoints_file(as_: Any, kept: dict[str, Any], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    rows = export(as_, tmp_path / "audit.csv", "proofs=true&format=csv")
    history = export(as_, tmp_path / "checkpoints.json", "proofs=checkpoints")
    assert "leaf_index,tree_size,audit_path" in rows.read_text().splitlines()[0]
    mirror = kept["mirror"]
    args = ("--checkpoint", str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    assert verify_export(tmp_path, monkeypatch, str(rows), str(history), *args).exit_code == 0
    lonely = verify_export(tmp_path, monkeypatch, str(rows), *args)
    assert lonely.exit_code == 1 and "checkpoints" in lonely.output


def test_an_export_edited_by_hand_is_named(as_: Any, kept: dict[str, Any], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    body = json.loads(kept["before"].read_text())
    target = next(e for e in body["items"] if e["seq"] == kept["seq"])
    target["canonical"]["actor"] = "someone_else"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(body))
    mirror = kept["mirror"]
    result = verify_export(tmp_path, monkeypatch, str(edited), "--checkpoint", str(mirror / "checkpoint"),
                           "--public-key", str(mirror / "public_key.pem"))
    assert result.exit_code == 1 and f"event seq {kept['seq']} (id {target['id']})" in result.output


def test_a_checkpoint_from_another_key_is_refused(kept: dict[str, Any], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = tmp_path / "other.pem"
    other.write_text(notes.public_key_pem(Ed25519PrivateKey.generate().public_key()))
    result = verify_export(tmp_path, monkeypatch, str(kept["before"]), "--checkpoint",
                           str(kept["mirror"] / "checkpoint"), "--public-key", str(other))
    assert result.exit_code == 1 and "the trusted checkpoint" in result.output


# -- the proofs API ---------------------------------------------------------------------------------------------

def test_a_proof_from_the_api_verifies_with_merkle_alone(as_: Any, sessions: Any, kept: dict[str, Any]) -> None:
    with sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.seq == kept["seq"])).one()
        canonical, event_id = chain.canonical(event), event.id
    body = as_("auditor").get(f"/api/v1/audit/events/{event_id}/proof").get_json()
    assert body["leaf_index"] == kept["seq"] - 1 and body["tree_size"] == kept["size"]
    leaf = merkle.leaf_hash(canonical.encode())
    assert body["leaf"] == leaf.hex()
    signed = notes.parse_body(body["checkpoint"]["note"].rpartition("\n\n")[0] + "\n")
    assert signed.root.hex() == body["root"] == body["checkpoint"]["root"]
    assert merkle.verify_inclusion(leaf, body["leaf_index"], body["tree_size"],
                                   [bytes.fromhex(h) for h in body["audit_path"]], signed.root)
    same = as_("auditor").get(f"/api/v1/audit/events/{event_id}/proof?checkpoint={kept['size']}").get_json()
    assert same == body


def test_proof_refusals_name_their_field(as_: Any, sessions: Any, kept: dict[str, Any]) -> None:
    with sessions() as session:
        first = session.scalars(select(AuditEvent).where(AuditEvent.seq == 1)).one().id
    auditor = as_("auditor")
    missing = auditor.get("/api/v1/audit/events/999999/proof")
    assert missing.status_code == 404 and missing.get_json()["code"] == "audit_event_not_found"
    no_such = auditor.get(f"/api/v1/audit/events/{first}/proof?checkpoint={kept['size'] + 7}")
    assert no_such.status_code == 404 and no_such.get_json()["errors"][0]["field"] == "checkpoint"
    word = auditor.get(f"/api/v1/audit/events/{first}/proof?checkpoint=latest")
    assert word.status_code == 422 and word.get_json()["errors"][0]["field"] == "checkpoint"
    a_case_with_history(as_)
    with sessions() as session:
        newest = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one().id
    late = auditor.get(f"/api/v1/audit/events/{newest}/proof")
    assert late.status_code == 409 and late.get_json()["code"] == "not_checkpointed"
    assert as_("pr").get(f"/api/v1/audit/events/{first}/proof").status_code == 403


def test_consistency_between_two_checkpoints(as_: Any, sessions: Any, settings: Any, clock: Any,
                                             kept: dict[str, Any]) -> None:
    a_case_with_history(as_)
    later = checkpoint(sessions, settings, clock)
    auditor = as_("auditor")
    body = auditor.get(f"/api/v1/audit/consistency?from={kept['size']}&to={later.size}").get_json()
    assert (body["from"], body["to"], body["to_root"]) == (kept["size"], later.size, later.root)
    assert merkle.verify_consistency(kept["size"], later.size, bytes.fromhex(body["from_root"]),
                                     bytes.fromhex(body["to_root"]), [bytes.fromhex(h) for h in body["proof"]])
    unknown = auditor.get(f"/api/v1/audit/consistency?from=1&to={later.size}")
    assert unknown.status_code == 404 and unknown.get_json()["errors"][0]["field"] == "from"
    backwards = auditor.get(f"/api/v1/audit/consistency?from={later.size}&to={kept['size']}")
    assert backwards.status_code == 422 and backwards.get_json()["errors"][0]["field"] == "from"
    assert auditor.get("/api/v1/audit/consistency?to=3").status_code == 422
    assert as_("pr").get(f"/api/v1/audit/consistency?from={kept['size']}&to={later.size}").status_code == 403


def test_the_api_verify_reports_the_latest_checkpoint(as_: Any, sessions: Any, kept: dict[str, Any]) -> None:
    body = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert body["ok"] is True and body["checkpoint"]["ok"] is True and body["checkpoint"]["size"] == kept["size"]
    with sessions.begin() as session:
        seq = edit_row(session, kept)
    body = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert body["ok"] is True  # the chain was recomputed
    assert body["checkpoint"]["ok"] is False and body["checkpoint"]["first_broken"]["seq"] == seq
    assert body["checkpoint"]["reference"] == "stored tree"


def test_exports_without_proofs_keep_their_shape(as_: Any, kept: dict[str, Any]) -> None:
    page = as_("auditor").get("/api/v1/audit").get_json()
    assert set(page) == {"items", "total", "page", "per_page"} and "canonical" not in page["items"][0]
    rows = as_("auditor").get("/api/v1/audit?format=csv").get_data(as_text=True).splitlines()
    assert rows[0] == "id,seq,occurred_at,actor,type,instance_id,task_id,subject,before,after,hash,time_zone"
    assert as_("auditor").get("/api/v1/audit?proofs=maybe").get_json()["errors"][0]["field"] == "proofs"


def test_timestamps_verify_offline_trusted_with_the_tsa_certificate(
        as_: Any, sessions: Any, kept: dict[str, Any], tsa: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from db.models import AuditCheckpoint
    from engine.audit import timestamps

    with sessions.begin() as session:  # stamped as the checkpoints stamp: the note's signed body
        row = session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.size == kept["size"])).one()
        row.timestamp_token = timestamps.request_token(tsa.url, row.note.rpartition("\n\n")[0].encode() + b"\n")
    stamped = export(as_, tmp_path / "stamped.json")
    assert json.loads(stamped.read_text())["proofs"]["checkpoint"]["timestamp_token"]
    mirror = kept["mirror"]
    args = (str(stamped), "--checkpoint", str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    (tmp_path / "ca.pem").write_bytes(tsa.ca_pem)
    trusted = verify_export(tmp_path, monkeypatch, *args, "--tsa-cert", str(tmp_path / "ca.pem"))
    assert trusted.exit_code == 0 and "1 timestamp token(s) verified (trusted TSA certificate given)" in trusted.output
    untrusted = verify_export(tmp_path, monkeypatch, *args)
    assert untrusted.exit_code == 0 and "no --tsa-cert given" in untrusted.output

    body = json.loads(stamped.read_text())  # a token over another checkpoint's text
    other = timestamps.request_token(tsa.url, b"another text\n")
    body["proofs"]["checkpoints"][-1]["timestamp_token"] = base64.b64encode(other).decode()
    (tmp_path / "swapped.json").write_text(json.dumps(body))
    swapped = verify_export(tmp_path, monkeypatch, str(tmp_path / "swapped.json"), *args[1:])
    assert swapped.exit_code == 1 and f"checkpoint of size {kept['size']}" in swapped.output
    assert "timestamp" in swapped.output


def test_a_second_history_signed_for_the_same_size_is_named(settings: Any, kept: dict[str, Any], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever holds the key and signs a rewritten history at a size already witnessed shows a fork."""
    opened = notes.parse_body(kept["mirror"].joinpath("checkpoint").read_text().rpartition("\n\n")[0] + "\n")
    forked = notes.sign(notes.Checkpoint(opened.origin, opened.size, bytes(32), opened.signed_at),
                        keys.signing_key(settings))
    (tmp_path / "forked.note").write_text(forked)
    result = verify_export(tmp_path, monkeypatch, str(kept["before"]), "--checkpoint", str(tmp_path / "forked.note"),
                           "--public-key", str(kept["mirror"] / "public_key.pem"))
    assert result.exit_code == 1 and f"two histories signed for size {kept['size']}" in result.output


def test_a_mirror_that_does_not_give_the_root_is_not_trusted(jarchy: Any, sessions: Any, kept: dict[str, Any]) -> None:
    leaves = kept["mirror"] / "leaves"
    leaves.write_bytes(bytes(32) + leaves.read_bytes()[32:])  # a witness's copy damaged: it proves nothing
    with sessions.begin() as session:
        seq = edit_row(session, kept)
    result = verify_against(jarchy, kept, "--mirror", str(kept["mirror"]))
    assert result.exit_code == 1 and "the mirror's leaves do not give the checkpoint's root" in result.output
    assert f"event seq {seq} " in result.output and "compared with the stored tree" in result.output


def test_the_checkpoint_needs_its_public_key(jarchy: Any, kept: dict[str, Any]) -> None:
    result = jarchy("audit", "verify", "--checkpoint", str(kept["mirror"] / "checkpoint"))
    assert result.exit_code == 2 and "--public-key" in result.output
    # a mirror or a key alone would be ignored and the chain said intact: refused, the checkpoint named
    for alone in (("--mirror", str(kept["mirror"])), ("--public-key", str(kept["mirror"] / "public_key.pem"))):
        result = jarchy("audit", "verify", *alone)
        assert result.exit_code == 2 and "--checkpoint" in result.output and "intact" not in result.output


def test_a_malformed_export_is_named_not_a_crash(kept: dict[str, Any], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    body = json.loads(kept["before"].read_text())
    del body["proofs"]["checkpoints"][0]["note"]
    (tmp_path / "broken.json").write_text(json.dumps(body))
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    mirror = kept["mirror"]
    args = ("--checkpoint", str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    broken = verify_export(tmp_path, monkeypatch, str(tmp_path / "broken.json"), *args)
    assert broken.exit_code == 1 and "malformed" in broken.output
    binary = verify_export(tmp_path, monkeypatch, str(tmp_path / "binary.json"), *args)
    assert binary.exit_code == 1 and "binary.json" in binary.output
    header = "id,seq,hash,prev_hash,canonical,leaf_index,tree_size,audit_path\n"
    shapes = {"numbers.json": json.dumps(body | {"items": [1, 2]}), "text.json": json.dumps(body | {"items": "ab"}),
              "count.json": json.dumps(body | {"items": 3}), "array.json": "[1, 2]",
              "short.csv": header + "1,1\n", "long.csv": header + "1,1,a,b,{},0,1,,x,y\n",
              "number.csv": header + "1,1,a,b,5,,,\n", "plain.csv": "hello world\n"}
    for name, text in shapes.items():
        (tmp_path / name).write_text(text)
        result = verify_export(tmp_path, monkeypatch, str(tmp_path / name), *args)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (name, result.exception)
        assert f"FAILED: {name}: " in result.output, (name, result.output)
    assert "carries no proofs" in verify_export(tmp_path, monkeypatch, str(tmp_path / "array.json"), *args).output
    assert "carries no proofs" in verify_export(tmp_path, monkeypatch, str(tmp_path / "plain.csv"), *args).output


@pytest.mark.parametrize("shown", ["null", "earlier"])
def test_an_export_whose_checkpoint_is_not_its_last_is_refused(
        shown: str, as_: Any, sessions: Any, settings: Any, clock: Any, kept: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every proof is checked against the export's `checkpoint`: one that claims none (or an earlier one) while
    its history holds the trusted checkpoint would leave a rewritten history unproved, with only its recomputed
    chain links checked."""
    a_case_with_history(as_)
    later = checkpoint(sessions, settings, clock)
    with sessions.begin() as session:
        edit_row(session, kept)
    body = json.loads(export(as_, tmp_path / "after.json").read_text())
    body["proofs"]["checkpoint"] = None if shown == "null" else body["proofs"]["checkpoints"][0]
    (tmp_path / "shown.json").write_text(json.dumps(body))
    mirror = kept["mirror"]
    result = verify_export(tmp_path, monkeypatch, str(tmp_path / "shown.json"), "--checkpoint",
                           str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    assert result.exit_code == 1, result.output
    assert f"it is not the last of its history (the checkpoint of size {later.size})" in result.output


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_showing_other_fields_than_it_proves_is_named(
        fmt: str, as_: Any, kept: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An auditor reads the shown columns (actor, after...), the proof covers the canonical ones: an export whose
    shown fields were changed while its canonical ones were kept must not verify."""
    mirror = kept["mirror"]
    args = ("--checkpoint", str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    if fmt == "json":
        body = json.loads(kept["before"].read_text())
        target = next(e for e in body["items"] if e["seq"] == kept["seq"])
        target["after"] = {"decision": "reject"}
        (tmp_path / "shown.json").write_text(json.dumps(body))
        files = [str(tmp_path / "shown.json")]
        event_id = target["id"]
    else:
        rows = export(as_, tmp_path / "audit.csv", "proofs=true&format=csv")
        history = export(as_, tmp_path / "checkpoints.json", "proofs=checkpoints")
        assert verify_export(tmp_path, monkeypatch, str(rows), str(history), *args).exit_code == 0
        table = list(csv.DictReader(io.StringIO(rows.read_text())))
        target = next(r for r in table if int(r["seq"]) == kept["seq"])
        target["actor"] = "someone_else"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
        rows.write_text(out.getvalue())
        files = [str(rows), str(history)]
        event_id = target["id"]
    result = verify_export(tmp_path, monkeypatch, *files, *args)
    assert result.exit_code == 1, result.output
    assert f"event seq {kept['seq']} (id {event_id}): the {'after' if fmt == 'json' else 'actor'} it shows" \
        in result.output


def test_bad_files_given_to_the_audit_commands_are_named_by_their_option(
        jarchy: Any, kept: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A binary file as the checkpoint or the key, an RSA key, a broken TSA certificate: the option is named,
    never a traceback (the `jarchy` fixture lets exceptions through)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    mirror = kept["mirror"]
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    rsa_pem = tmp_path / "rsa.pem"
    rsa_pem.write_bytes(rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    broken_cert = tmp_path / "tsa.crt"
    broken_cert.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    note, key = str(mirror / "checkpoint"), str(mirror / "public_key.pem")
    cases = [(("--checkpoint", str(binary), "--public-key", key), "--checkpoint"),
             (("--checkpoint", note, "--public-key", str(binary)), "--public-key"),
             (("--checkpoint", note, "--public-key", str(rsa_pem)), "--public-key")]
    for options, named in cases:
        result = jarchy("audit", "verify", *options)
        assert result.exit_code == 2 and named in result.output and "chain intact" not in result.output, options
        offline = verify_export(tmp_path, monkeypatch, str(kept["before"]), *options)
        assert offline.exit_code == 2 and named in offline.output, (options, offline.exception)
    cert = verify_export(tmp_path, monkeypatch, str(kept["before"]), "--checkpoint", note, "--public-key", key,
                         "--tsa-cert", str(broken_cert))
    assert cert.exit_code == 2 and "--tsa-cert" in cert.output, cert.exception


def _tamper(body: dict[str, Any], what: str, seq: int) -> str:
    """Change one thing of an export with two checkpoints; the failure the verifier must name."""
    event = next(e for e in body["items"] if e["seq"] == seq)
    listed = body["proofs"]["checkpoints"]
    if what == "listed_root":  # the JSON's root no longer the one its signed note holds
        listed[-1]["root"] = body["proofs"]["checkpoint"]["root"] = "00" * 32
        return f"checkpoint of size {listed[-1]['size']} in tampered.json: its size or root is not what its signed"
    if what == "consistency":
        listed[-1]["consistency"] = ["00" * 32]
        return f"it is not consistent with the checkpoint of size {listed[0]['size']}"
    where = f"event seq {seq} (id {event['id']}): "
    if what == "leaf_index":  # a proof of another leaf passed off for this event
        event["proof"]["leaf_index"] = seq
        return where + "it is not the event the checkpoint"
    if what == "no_proof":
        event["proof"] = None
        return where + "it has no proof"
    if what == "canonical_seq":
        event["canonical"]["seq"] = seq + 1
        return where + "its canonical fields name another seq"
    event["prev_hash"] = "00" * 32
    return where + "its hash does not match"


@pytest.mark.parametrize("what", ["listed_root", "consistency", "leaf_index", "no_proof", "canonical_seq",
                                  "prev_hash"])
def test_each_tampering_of_an_export_is_named(what: str, as_: Any, sessions: Any, settings: Any, clock: Any,
                                              kept: dict[str, Any], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    a_case_with_history(as_)
    checkpoint(sessions, settings, clock)
    body = json.loads(export(as_, tmp_path / "two.json").read_text())
    mirror = kept["mirror"]
    args = ("--checkpoint", str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    assert verify_export(tmp_path, monkeypatch, str(tmp_path / "two.json"), *args).exit_code == 0
    named = _tamper(body, what, kept["seq"])
    (tmp_path / "tampered.json").write_text(json.dumps(body))
    result = verify_export(tmp_path, monkeypatch, str(tmp_path / "tampered.json"), *args)
    assert result.exit_code == 1 and named in result.output, result.output


def test_a_row_injected_beside_a_real_one_after_the_checkpoint_is_named(
        as_: Any, kept: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a filtered export, events after the checkpoint are checked by their links alone: a second row with the
    same seq, its own hash recomputed, would slip in beside the real one (the link to the event before is checked
    for one of them only)."""
    case = a_case_with_history(as_)
    filtered = json.loads(export(as_, tmp_path / "case.json", f"proofs=true&instance_id={case['id']}").read_text())
    late = [e for e in filtered["items"] if e["proof"] is None]
    assert late and filtered["proofs"]["complete"] is False
    forged = json.loads(json.dumps(late[-1]))
    forged["canonical"]["after"] = forged["after"] = {"decision": "approve"}
    forged["hash"] = chain.link(forged["prev_hash"], chain.canonical_fields(forged["canonical"]))
    filtered["items"].append(forged)
    (tmp_path / "injected.json").write_text(json.dumps(filtered))
    mirror = kept["mirror"]
    result = verify_export(tmp_path, monkeypatch, str(tmp_path / "injected.json"), "--checkpoint",
                           str(mirror / "checkpoint"), "--public-key", str(mirror / "public_key.pem"))
    assert result.exit_code == 1, result.output
    assert f"event seq {forged['seq']} (id {forged['id']}): its seq appears twice in injected.json" in result.output
