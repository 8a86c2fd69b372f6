"""The installers' entry point: the ``hsb-whisper`` command, frozen.

With no arguments it opens the app (a double-clicked program gets none); ``--selftest`` runs
``hsb-whisper selftest``; anything else is the command line as a pip install has it.
``multiprocessing.freeze_support()`` comes first: a worker process started by the app (the data
checks' process pool, the fine-tuning run) is this same executable, which must then run the
worker's code instead of opening another window (pyinstaller #4865 #7438).
"""

import multiprocessing
import sys


def main() -> None:
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    if not args:
        args = ["app"]
    elif args[0] == "--selftest":
        args = ["selftest", *args[1:]]
    from hsb_whisper.cli import main as cli_main

    sys.exit(cli_main(args))


if __name__ == "__main__":
    main()
