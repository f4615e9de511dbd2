"""A whole page's screenshot, taken by headless Chromium through its DevTools protocol.

Chromium's ``--screenshot`` captures its window, so a page longer than the window is cut
(the preview's 1280×6000 window cut the API page inside Case 4). Through the DevTools
protocol the page is loaded, measured once it has loaded (``Page.getLayoutMetrics``) and
captured beyond the window to its last pixel (``captureBeyondViewport``).
``--remote-debugging-pipe`` speaks the protocol over two file descriptors of the child
(3: commands in, 4: answers out; each message JSON ended by a NUL byte), so no port is
opened and no websocket library is needed.
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import IO, Any, Callable, Sequence

from apidocs.render.errors import RenderError

Message = dict[str, Any]


@dataclass(frozen=True)
class Capture:
    """A screenshot: the PNG and its size in CSS pixels (the whole page)."""

    png: bytes
    width: int
    height: int


def capture(program: str, flags: Sequence[str], url: str, width: int, timeout: float) -> Capture:
    """The whole page at ``url`` as PNG, ``width`` pixels wide, as tall as the page is."""
    # Chromium's helper processes may still be writing the profile as it exits: never an error
    with (tempfile.TemporaryDirectory(prefix="apidocs-chromium-", ignore_cleanup_errors=True) as profile,
          tempfile.TemporaryFile() as log):
        command = [program, *flags, f"--user-data-dir={profile}", "--remote-debugging-pipe", "--hide-scrollbars",
                   f"--window-size={width},1000", "about:blank"]
        with _Browser(command, log, time.monotonic() + timeout, timeout) as browser:
            return _whole_page(browser, url)


def _whole_page(browser: _Browser, url: str) -> Capture:
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.call("Page.enable", session=session)
    browser.call("Page.setLifecycleEventsEnabled", {"enabled": True}, session)
    navigation = browser.call("Page.navigate", {"url": url}, session)
    if navigation.get("errorText"):
        raise RenderError(f"chromium could not load {url}: {navigation['errorText']}")
    browser.wait_for(lambda m: m.get("method") == "Page.lifecycleEvent" and m["params"]["name"] == "load"
                     and m["params"]["loaderId"] == navigation["loaderId"])
    metrics = browser.call("Page.getLayoutMetrics", session=session)
    width = metrics["cssLayoutViewport"]["clientWidth"]
    height = math.ceil(metrics["cssContentSize"]["height"])
    shot = browser.call("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}, session)
    return Capture(base64.b64decode(shot["data"]), width, height)


class _Browser:
    """A Chromium process and its DevTools pipe: commands answered in order, events kept
    until asked for, everything within one deadline."""

    def __init__(self, command: list[str], log: IO[bytes], deadline: float, timeout: float) -> None:
        self.command, self.log, self.deadline, self.timeout = command, log, deadline, timeout
        self.pending = b""
        self.events: list[Message] = []
        self.last_id = 0

    def __enter__(self) -> _Browser:
        commands_in, self.commands = os.pipe()
        self.answers, answers_out = os.pipe()

        def pipe_on_3_and_4() -> None:  # in the child, before exec: where --remote-debugging-pipe looks
            # dup first: an end that already is fd 3 or 4 would keep its close-on-exec flag through dup2
            ends = os.dup(commands_in), os.dup(answers_out)
            os.dup2(ends[0], 3)
            os.dup2(ends[1], 4)

        try:
            # the pipe ends Python made are not inherited (PEP 446): only 3 and 4 reach Chromium
            self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=self.log, close_fds=False, preexec_fn=pipe_on_3_and_4)
        except OSError as exc:
            self._close_pipes()
            raise RenderError(f"cannot start {self.command[0]}: {exc.strerror}") from None
        finally:
            os.close(commands_in)
            os.close(answers_out)
        return self

    def __exit__(self, *_) -> None:
        try:
            if self.process.poll() is None:
                self._send("Browser.close", {}, None)
            self.process.wait(timeout=10)
        except (OSError, RenderError, subprocess.TimeoutExpired):  # it went away, or will not go: ended
            self.process.kill()
            self.process.wait()
        finally:
            self._close_pipes()

    def _close_pipes(self) -> None:
        for end in (self.commands, self.answers):
            os.close(end)

    def call(self, method: str, params: Message | None = None, session: str | None = None) -> Message:
        """The result of one command; a refusal is a :class:`RenderError` naming it."""
        sent = self._send(method, params or {}, session)
        answer = self._next(lambda m: m.get("id") == sent, keep_others=True)
        if "error" in answer:
            raise RenderError(f"chromium refused {method}: {answer['error'].get('message', answer['error'])}")
        return answer["result"]

    def wait_for(self, wanted: Callable[[Message], bool]) -> Message:
        """The first event ``wanted`` accepts, among those already received or still to come."""
        for event in self.events:
            if wanted(event):
                self.events.remove(event)
                return event
        return self._next(wanted, keep_others=False)

    def _send(self, method: str, params: Message, session: str | None) -> int:
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params} | ({"sessionId": session} if session else {})
        try:
            os.write(self.commands, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise self._stopped() from None
        return self.last_id

    def _next(self, wanted: Callable[[Message], bool], keep_others: bool) -> Message:
        while True:
            while b"\0" in self.pending:
                raw, self.pending = self.pending.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
                if keep_others and "method" in message:
                    self.events.append(message)
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise RenderError(f"chromium took longer than {self.timeout:g} s to take the screenshot")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise self._stopped()
            self.pending += chunk

    def _stopped(self) -> RenderError:
        """Chromium went away mid-conversation: its exit code and the last lines it wrote."""
        code: int | str
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = "none yet"
        self.log.seek(0)
        tail = " | ".join(self.log.read().decode(errors="replace").strip().splitlines()[-2:])
        return RenderError(f"chromium stopped before the screenshot (exit {code}): {tail}")
