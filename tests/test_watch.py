"""The change detector fires once per settled save, and not while a file is still changing."""

from __future__ import annotations

from bot.core.watch import ChangeDetector


def test_fires_once_after_a_save_settles(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("a: 1\n")
    detector = ChangeDetector(tmp_path)
    assert not detector.poll()
    path.write_text("a: 12\n")
    assert not detector.poll(), "the change has not held still for a poll yet"
    assert detector.poll()
    assert not detector.poll(), "the same change fires once"


def test_a_file_still_being_written_waits(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("a: 1\n")
    detector = ChangeDetector(tmp_path)
    for size in range(2, 6):
        path.write_text("a: " + "1" * size + "\n")
        assert not detector.poll()
    assert detector.poll()


def test_added_and_removed_files_count(tmp_path):
    detector = ChangeDetector(tmp_path)
    (tmp_path / "new.yaml").write_text("x: 1\n")
    detector.poll()
    assert detector.poll()
    (tmp_path / "new.yaml").unlink()
    detector.poll()
    assert detector.poll()
    (tmp_path / "notes.md").write_text("ignored")
    detector.poll()
    assert not detector.poll()
