from pathlib import Path

import pytest

from ompgpt.train.samples import write_sample_dataset


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory) -> Path:
    return write_sample_dataset(tmp_path_factory.mktemp("data"), repeat=2)
