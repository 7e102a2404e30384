import json
from pathlib import Path

import pytest

from ompgpt.report.atomic import BACKUP_SUFFIX, write_with_backup
from ompgpt.report.config import Config, ConfigError, compile_flags, find_config
from ompgpt.report.sarif import Finding, to_sarif


def test_pyproject_table_and_dotfile_precedence(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ompgpt]\nmode = "suggest"\nmin-trip-count = 8\nexclude = ["third_party/**"]\n'
    )
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.c").write_text("int x;")
    config = find_config(src / "a.c")
    assert (config.mode, config.min_trip_count, config.source) == ("suggest", 8, str(tmp_path / "pyproject.toml"))
    assert not config.selects(tmp_path / "third_party" / "x.c", tmp_path)
    assert config.selects(src / "a.c", tmp_path)
    (src / ".ompgpt.toml").write_text("assume-no-alias = true\n")
    nearer = find_config(src / "a.c")
    assert nearer.assume_no_alias and nearer.mode == "safe"


def test_defaults_without_configuration(tmp_path: Path):
    assert find_config(tmp_path) == Config()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('mode = "fast"\n', "mode must be 'safe' or 'suggest'"),
        ("min-trip-count = true\n", "should be of type int"),
        ("colour = 1\n", "unknown key 'colour'"),
        ("mode = \n", "cannot read configuration"),
    ],
)
def test_bad_configuration_names_file_and_key(tmp_path: Path, body, message):
    (tmp_path / ".ompgpt.toml").write_text(body)
    with pytest.raises(ConfigError) as info:
        find_config(tmp_path)
    assert str(tmp_path / ".ompgpt.toml") in str(info.value) and message in str(info.value)


def test_compile_commands_flags(tmp_path: Path):
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "k.c"
    source.write_text("int x;")
    db = [
        {"directory": str(tmp_path), "file": "src/k.c", "command": "cc -Iinclude -I /opt/x -DN=64 -D FAST -c src/k.c"}
    ]
    (tmp_path / "compile_commands.json").write_text(json.dumps(db))
    flags = compile_flags(source)
    assert flags.includes == [str(tmp_path / "include"), "/opt/x"]
    assert flags.defines == ["N=64", "FAST"]
    assert flags.as_args()[-1] == "-DFAST"
    assert compile_flags(tmp_path / "other.c") is None


def test_write_with_backup_is_all_or_nothing(tmp_path: Path):
    path = tmp_path / "k.c"
    path.write_bytes(b"old\r\n")
    path.chmod(0o640)
    backup = write_with_backup(path, b"new\r\n")
    assert path.read_bytes() == b"new\r\n" and backup.read_bytes() == b"old\r\n"
    assert backup.name == "k.c" + BACKUP_SUFFIX
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.c", "k.c" + BACKUP_SUFFIX]


def test_sarif_shape():
    log = to_sarif(
        [Finding("src/k.c", 3, 5, "OMP001", "warning", "missing private(j)", "parallel for private(j)")],
        {"OMP001": "missing private"},
    )
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["rules"][0]["id"] == "OMP001"
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 5}
    assert run["results"][0]["properties"]["suggestedPragma"] == "parallel for private(j)"


def test_symlink_loops_do_not_crash_configuration_lookup(tmp_path: Path):
    """``ln -s self.c self.c`` in a scanned folder: Path.resolve raised RuntimeError (a traceback in find_config);
    now the lookup walks up from the path as written and finds the folder's configuration."""
    (tmp_path / ".ompgpt.toml").write_text('mode = "suggest"\n')
    loop = tmp_path / "self.c"
    loop.symlink_to("self.c")
    assert find_config(loop).mode == "suggest"
    assert Config().selects(loop, tmp_path)
    (tmp_path / "compile_commands.json").write_text(
        json.dumps([{"directory": str(tmp_path), "file": "self.c", "arguments": ["cc", "-DX=1", "-c", "self.c"]}])
    )
    assert compile_flags(loop).defines == ["X=1"]
