"""``python app.py`` serves the chat on 127.0.0.1:7860; the app itself is :mod:`assistant.surfaces.ui.app`."""

from assistant.surfaces.ui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
