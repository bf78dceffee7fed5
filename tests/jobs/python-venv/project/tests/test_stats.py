import json
import sys

import pytest

import rwstats


def test_installed_in_the_venv():
    # The wheel went into the job's venv, not into the system.
    assert rwstats.__file__.startswith(sys.prefix)
    assert sys.prefix != sys.base_prefix


@pytest.mark.parametrize("values,expected", [([1, 2, 3], 2), ([], 0.0), ([5], 5)])
def test_mean(values, expected):
    assert rwstats.mean(values) == expected


def test_median(tmp_path):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"median": rwstats.median([3, 1, 4, 1, 5])}))
    assert json.loads(report.read_text()) == {"median": 3}
