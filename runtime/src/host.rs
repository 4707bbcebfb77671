//! Where a program's output goes: the only IO the interpreter does.

/// The interpreter writes through this, never to stdout directly, so tests can record output
/// and the REPL can print it as it comes.
pub trait Host {
    fn write(&mut self, text: &str);

    /// Whether the output so far ends a line, so a final value can start a fresh one.
    fn at_line_start(&self) -> bool {
        true
    }
}

/// Writes to the process's stdout, line-buffered by the caller's use of newlines.
pub struct StdoutHost {
    /// Whether the last byte written was a newline (so the final value can start a fresh line).
    pub at_line_start: bool,
}

impl Default for StdoutHost {
    fn default() -> StdoutHost {
        StdoutHost { at_line_start: true }
    }
}

impl Host for StdoutHost {
    fn write(&mut self, text: &str) {
        use std::io::Write;
        if text.is_empty() {
            return;
        }
        self.at_line_start = text.ends_with('\n');
        let mut out = std::io::stdout().lock();
        // A closed stdout (e.g. piped into `head`) must not crash the run.
        let _ = out.write_all(text.as_bytes());
        if self.at_line_start {
            let _ = out.flush();
        }
    }

    fn at_line_start(&self) -> bool {
        self.at_line_start
    }
}

/// Collects output in memory, for tests and for embedding.
#[derive(Default, Debug)]
pub struct RecordingHost {
    pub output: String,
}

impl Host for RecordingHost {
    fn write(&mut self, text: &str) {
        self.output.push_str(text);
    }

    fn at_line_start(&self) -> bool {
        self.output.is_empty() || self.output.ends_with('\n')
    }
}

/// Collects output in a buffer its clones share, so that whoever hands a session its host (which
/// the session then owns) can still read what the program wrote: the REPL's recording mode, tests.
#[derive(Clone, Default, Debug)]
pub struct SharedHost(std::rc::Rc<std::cell::RefCell<String>>);

impl SharedHost {
    /// Everything written so far.
    pub fn text(&self) -> String {
        self.0.borrow().clone()
    }

    /// Everything written since the last take, leaving the buffer empty.
    pub fn take(&self) -> String {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

impl Host for SharedHost {
    fn write(&mut self, text: &str) {
        self.0.borrow_mut().push_str(text);
    }

    fn at_line_start(&self) -> bool {
        let out = self.0.borrow();
        out.is_empty() || out.ends_with('\n')
    }
}
