"""`babybliss board`: a communication board in the Open Board Format, read back against the format's fields
(openboardformat.org: a board has format "open-board-0.1", id, buttons with id and label, a grid of rows, columns
and an order of button ids, images with id, content_type and data or path, a license; an .obz holds manifest.json
with the root board and the paths of boards and images)."""

from __future__ import annotations

import base64
import json
import zipfile

import pytest

from babybliss.cli.commands import main
from babybliss.symbols.render import renderer_available

pytestmark = pytest.mark.skipif(renderer_available() is not None, reason=str(renderer_available()))
LINES = ["I want a drink.", "present:mother come home.", "toilet", "yes", "Thank you."]
LICENCE_FIELDS = {"type", "copyright_notice_url", "source_url", "author_name", "author_url"}


def _check_board(board: dict, images_inside: bool) -> None:
    assert board["format"] == "open-board-0.1" and board["id"] and board["name"] and board["locale"] == "en"
    assert [b["label"] for b in board["buttons"]] == ["I want a drink.", "mother come home.", "toilet", "yes",
                                                      "Thank you."]
    ids = [b["id"] for b in board["buttons"]]
    assert len(set(ids)) == len(ids) and all(isinstance(i, str) for i in ids)
    grid = board["grid"]
    assert grid["rows"] == len(grid["order"]) and all(len(row) == grid["columns"] for row in grid["order"])
    assert [i for row in grid["order"] for i in row if i is not None] == ids  # every button once, in order
    images = {image["id"]: image for image in board["images"]}
    assert all(b["image_id"] in images for b in board["buttons"])
    for image in images.values():
        assert image["content_type"] == "image/svg+xml"
        assert ("data" in image) == images_inside and ("path" in image) != images_inside
        assert LICENCE_FIELDS <= set(image["license"]) and "CC BY-SA" in image["license"]["type"]
    assert LICENCE_FIELDS <= set(board["license"]) and "CC BY-SA" in board["license"]["type"]
    assert "Blissymbolics Communication International" in board["license"]["author_name"]
    assert "BCI-AV" in board["description_html"]  # BCI's attribution line


def test_obf_board_holds_every_button_its_drawing_and_the_bci_licence(tmp_path, capsys):
    out = tmp_path / "board.obf"
    assert main(["board", *LINES, "--out", str(out), "--columns", "2"]) in (0, None)
    board = json.loads(out.read_text(encoding="utf-8"))
    _check_board(board, images_inside=True)
    assert board["grid"]["columns"] == 2 and board["grid"]["rows"] == 3 and board["grid"]["order"][2] == ["5", None]
    svg = base64.b64decode(board["images"][0]["data"].split(",", 1)[1]).decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    assert board["images"][1]["ext_babybliss_bliss"] == "present:mother come home."  # Bliss kept as given
    assert board["images"][0]["ext_babybliss_bliss"] == "present:I want drink."  # English converted by the rules


def test_obz_holds_the_board_its_svg_drawings_and_a_manifest(tmp_path):
    out = tmp_path / "board.obz"
    main(["board", *LINES, "--out", str(out)])
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "open-board-0.1"
        board = json.loads(archive.read(manifest["root"]))
        _check_board(board, images_inside=False)
        assert manifest["paths"]["boards"] == {board["id"]: manifest["root"]}
        assert manifest["paths"]["images"] == {image["id"]: image["path"] for image in board["images"]}
        for path in manifest["paths"]["images"].values():
            assert archive.read(path).decode("utf-8").lstrip().startswith("<svg")
    assert board["grid"]["columns"] == 3 and board["grid"]["rows"] == 2  # as square as five buttons fit


def test_bad_board_requests_fail_in_one_line_before_anything_is_written(tmp_path, capsys):
    from babybliss.symbols.board import BoardError, make_board

    with pytest.raises(BoardError, match="line 2 is empty"):
        make_board(["yes", "  "])
    assert main(["board", "yes", "--out", str(tmp_path / "board.pdf")]) == 2
    assert "name an .obf or .obz file" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_board_api_answers_the_file_and_refuses_bad_requests_in_json():
    import io

    from fastapi.testclient import TestClient

    from babybliss.config import ServeConfig
    from babybliss.serve import app as serve

    app = serve.create_app({"e2b": serve.RuleConverter(), "b2e": serve.RuleConverter()}, ServeConfig(), "rules")
    with TestClient(app, base_url="http://localhost") as client:
        answer = client.post("/v1/board", json={"sentences": LINES, "format": "obz"})
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
        assert 'filename="babybliss-board.obz"' in answer.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
            _check_board(json.loads(archive.read(json.loads(archive.read("manifest.json"))["root"])), False)
        single = client.post("/v1/board", json={"sentences": LINES, "format": "obf"})
        _check_board(single.json(), images_inside=True)
        for body in ({"sentences": []}, {"sentences": ["yes", " "]}, {"sentences": ["yes"], "format": "pdf"}):
            refused = client.post("/v1/board", json=body)
            assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_request", body
