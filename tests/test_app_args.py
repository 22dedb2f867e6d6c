"""``python app.py`` takes --host, --port, --share and every settings flag of the CLI."""

import pytest

from assistant.surfaces.ui.app import parse_args


def test_host_port_share_and_any_setting():
    settings = parse_args(["--host", "0.0.0.0", "--port", "8000", "--share", "--retrieval-k", "7",
                           "--server-concurrency", "2"])
    assert (settings.server.host, settings.server.port, settings.server.share) == ("0.0.0.0", 8000, True)
    assert settings.retrieval.k == 7 and settings.server.concurrency == 2


def test_defaults_stay_local():
    settings = parse_args([])
    assert (settings.server.host, settings.server.port, settings.server.share) == ("127.0.0.1", 7860, False)


def test_a_bad_value_is_refused_before_anything_loads(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--port", "eighty"])
    assert "invalid int value" in capsys.readouterr().err
