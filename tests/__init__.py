"""The test suite (a package, so ``tests.conftest`` is ours even where a dependency installs a ``tests`` package)."""
