"""Sessions and recordings of the main window: File > Save/Open Session, stepping through a
folder of sessions, Open Recording and Record."""

from __future__ import annotations

import base64
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Slot
from PySide6.QtWidgets import QMessageBox

from nnviz.ui.file_dialogs import open_file, save_file
from nnviz.ui.pages import Page, current_view, show_sub_view
from nnviz.ui.shell.title import TITLE
from nnviz.ui.style import PRESENTER_SCALES, THEMES


class SessionController(QObject):
    """Saves and restores the window as a session (pages by id, the run, the circuit, the
    recording and its position), and opens and makes recordings."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        window.studio.recorder.started.connect(self._on_recording_started)
        window.studio.recorder.ended.connect(self._on_recording_ended)

    def current_session(self):
        w = self.window
        from nnviz.core.files.session import Session
        from nnviz.core.learning.run import RunSpec

        net = w.studio.current_network()
        return Session(
            run=w.studio.settings or RunSpec(),
            network=net,
            network_meta={
                "epoch": w.studio.snapshot.progress.epoch
                if w.studio.snapshot and w.studio.snapshot.progress.examples_seen
                else None
            },
            example_index=w.studio.example_index,
            circuit=w.circuit_sandbox.circuit.to_dict(),
            page=w.current_page_id(),
            view=current_view(w.current_view()),
            pages={v.page_id: v.state() for v in w.built_views() if isinstance(v, Page)},
            recording=w.studio.replay_path,
            replay_position=w.studio.replay.position if w.studio.replay else 0,
            history=list(w.studio.live_records),
            log=w.studio.log.toPlainText(),
            layout=base64.b64encode(bytes(w.saveState())).decode("ascii"),
            presenter=w.presenter,
            settings={
                "presenter_scale": w.presenter_scale,
                "theme": w.theme.look.theme,
            },
        )

    def save_session_dialog(self) -> None:
        w = self.window
        from nnviz.core.files.session import SessionError, save_session

        w.studio.pause()
        path = save_file(self.window, "session", "Save session", "nnviz sessions (*.nnviz)")
        if path:
            try:
                saved = save_session(path, self.current_session())
            except (OSError, SessionError) as exc:
                QMessageBox.warning(self.window, "Could not save the session", str(exc))
                return
            w.status_label.setText(f"Session saved: {saved}")

    def open_session_dialog(self) -> None:
        path = open_file(self.window, "session", "Open session", "nnviz sessions (*.nnviz)")
        if path:
            self.open_session(path)

    def open_session(self, path: str) -> bool:
        """Restore a whole session: network and settings, example, circuit, layout, mode."""
        w = self.window
        from nnviz.core.circuits.model import Circuit, CircuitError
        from nnviz.core.files.session import SessionError, load_session

        try:
            session = load_session(path)
            circuit = Circuit.from_dict(session.circuit) if session.circuit else None
        except (SessionError, CircuitError, OSError) as exc:
            QMessageBox.warning(
                self.window, "Could not open the session", f"{exc}\n\nNothing was changed."
            )
            return False
        if circuit is not None and not w.circuit_sandbox.files.maybe_save():
            return False
        w.studio.apply_session(session)
        if circuit is not None:
            w.circuit_sandbox.files.show_circuit(circuit, None)
        for page_id, state in session.pages.items():
            page = w.page(page_id)
            if isinstance(page, Page):
                page.restore(state)
        if session.layout:
            w.restoreState(QByteArray(base64.b64decode(session.layout)))
        opts = session.settings or {}
        # A session's display options are free-form: keep only values this app offers.
        scale = opts.get("presenter_scale")
        if isinstance(scale, int | float) and not isinstance(scale, bool):
            if float(scale) in PRESENTER_SCALES:
                w.presenter_scale = float(scale)
        w.show_page(session.page)
        if session.presenter != w.presenter:
            w.set_presenter(session.presenter)
        theme = opts.get("theme")
        if isinstance(theme, str) and theme in THEMES:
            w.set_theme(theme)
        if session.recording is not None:
            if Path(session.recording).exists():
                if self.open_recording(str(session.recording)) and w.studio.replay:
                    last = w.studio.replay.frame_count - 1
                    w.studio.replay.seek(min(session.replay_position, last))
            else:
                w.statusBar().showMessage(
                    f"The session's recording {Path(session.recording).name} is missing: "
                    "the rest of the session is open.",
                    15000,
                )
        if session.page:  # the recording's replay shows the studio: put the page back
            w.show_page(session.page)
        if session.view:
            show_sub_view(w.current_view(), session.view)
        w.session_path = Path(path)
        title = session.title or w.session_path.stem
        w.status_label.setText(f"Session: {title} ({w.session_path.name})")
        return True

    def step_session(self, step: int) -> bool:
        """Open the next (or previous) .nnviz file beside the current session, in name
        order: a lecturer prepares one per part of the talk and steps through them."""
        w = self.window
        current = getattr(self.window, "session_path", None)
        if current is None:
            w.status_label.setText("Open a session first (File \u25b8 Open Session).")
            return False
        files = sorted(current.parent.glob("*.nnviz"))
        if current not in files:
            return False
        i = files.index(current) + step
        if not 0 <= i < len(files):
            w.status_label.setText("No more sessions in this folder.")
            return False
        return self.open_session(str(files[i]))

    def open_recording_dialog(self) -> None:
        path = open_file(self.window, "recording", "Open recording", "nnviz recordings (*.nnrec)")
        if path:
            self.open_recording(path)

    def open_recording(self, path: str) -> bool:
        w = self.window
        from nnviz.core.files.recording import RecordingError

        try:
            damaged = w.studio.open_recording(path)
        except (RecordingError, ValueError, OSError) as exc:
            QMessageBox.warning(
                self.window, "Could not open the recording", f"{exc}\n\nNothing was changed."
            )
            return False
        w.show_view(w.studio)
        if damaged:
            QMessageBox.information(self.window, "Damaged recording", damaged)
        return True

    def toggle_recording(self) -> None:
        w = self.window
        if w.studio.recording:
            try:
                w.studio.stop_recording()  # the recorder's ended signal says the rest
            except OSError as exc:
                QMessageBox.warning(self.window, "Recording not saved", f"{exc}")
            return
        path = save_file(self.window, "recording", "Record run to", "nnviz recordings (*.nnrec)")
        if not path:
            w.act_record.setChecked(False)
            return
        if not path.endswith(".nnrec"):
            path += ".nnrec"
        try:
            w.studio.start_recording(path)
        except (OSError, ValueError) as exc:
            w.act_record.setChecked(False)
            QMessageBox.warning(self.window, "Cannot record", f"{exc}\n\nChoose another folder.")
            return
        w.act_record.setChecked(True)

    @Slot(str)
    def _on_recording_started(self, path: str) -> None:
        w = self.window
        w.act_record.setChecked(True)
        w.rec_label.setText(f"\u25cf REC  {Path(path).name}")
        w.rec_label.setToolTip(path)
        w.rec_label.show()
        w.setWindowTitle(f"\u25cf REC \u2014 {TITLE}")

    @Slot(object)
    def _on_recording_ended(self, path) -> None:
        """However it ended (the button, a new run, a full disk): say so and name the file."""
        w = self.window
        w.act_record.setChecked(False)
        w.rec_label.hide()
        w.setWindowTitle(TITLE)
        if path is not None:  # for 15 s over the status line, which the new run rewrites
            w.statusBar().showMessage(f"Recording saved: {path}", 15000)
