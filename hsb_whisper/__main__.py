"""`python -m hsb_whisper` is the `hsb-whisper` command (`accelerate launch -m hsb_whisper`)."""

from hsb_whisper.cli import entry_point

if __name__ == "__main__":
    entry_point()
