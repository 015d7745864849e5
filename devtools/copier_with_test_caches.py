"""copier's own command line, with the caches the test process has: for tests that run copier
as a child process where the command is not what they test.

The generated CI's update proposal calls `uvx … copier check-update` and `copier update`; its
tests (tests/test_update_proposal.py) check what the script does with git and the host, and
run this in copier's place. One update makes four copier Workers: here they compile the
template's Jinja once (devtools.jinja_cache) and ask git for core.fileMode once a render
(devtools.file_mode_setting), as in the test process. Arguments, output and exit code are
copier's.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copier.__main__ import CopierApp  # noqa: E402

from devtools.file_mode_setting import read_file_mode_once  # noqa: E402
from devtools.jinja_cache import share_compiled_templates  # noqa: E402

if __name__ == "__main__":
    share_compiled_templates()
    read_file_mode_once()
    sys.exit(CopierApp.run())
