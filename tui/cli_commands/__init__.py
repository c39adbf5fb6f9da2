"""The headless `paperdeck` commands, a module per job; `tui.cli` declares and dispatches them.

- `output`: the one output guard every command prints through;
- `reading`: list, show, export, stats and similar (queries and ranking are imported lazily);
- `importing`: import files, with the states an own export carries;
- `triage`: star, tag, rename-tag, status, note, undo and redo;
- `syncing`: sync the feeds and the reading list, with progress;
- `repair`: doctor and recover, which work without opening the library's files.

None of them imports Textual: headless commands start fast and run from cron.
"""
