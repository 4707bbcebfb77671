//! The REPL as a person uses it: the real binary in a pseudo-terminal.

#![allow(clippy::unwrap_used, clippy::panic)]

use expectrl::{ControlCode, Eof, Session};
use std::process::Command;
use std::time::Duration;

fn spawn() -> Session {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ovsm"));
    command.args(["repl", "--no-history"]).current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").env("TERM", "dumb");
    let mut session = Session::spawn(command).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.expect("ovsm> ").unwrap();
    session
}

#[test]
fn a_person_at_the_repl() {
    let mut p = spawn();
    // A multi-line defun gets a continuation prompt, then evaluates.
    p.send_line("(defun triple (x)").unwrap();
    p.expect(".. ").unwrap();
    p.send_line("  (* 3 x))").unwrap();
    p.expect("#<function triple>").unwrap();
    p.send_line("(triple 14)").unwrap();
    p.expect("42").unwrap();
    // An error is shown with its span and the session goes on.
    p.send_line("(triple \"a\")").unwrap();
    p.expect("type error").unwrap();
    p.send_line("(triple 2)").unwrap();
    p.expect("6").unwrap();
    // Deploy a program and advance until its subscription fires.
    p.send_line(":load examples/heartbeat.ovsm").unwrap();
    p.expect("deployed heartbeat").unwrap();
    p.send_line(":subs").unwrap();
    p.expect("SLOT_INTERVAL").unwrap();
    p.send_line(":advance 150").unwrap();
    p.expect("[slot 100 heartbeat] beat n=1").unwrap();
    p.expect("at slot 150").unwrap();
    // Ctrl-C interrupts a long loop and keeps the session.
    p.send_line("(while true 1)").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    p.send(ControlCode::EndOfText).unwrap();
    p.expect("interrupted").unwrap();
    p.send_line("(triple 5)").unwrap();
    p.expect("15").unwrap();
    p.send_line(":quit").unwrap();
    p.expect(Eof).unwrap();
    let status = p.get_process_mut().wait().unwrap();
    assert_eq!(status, expectrl::WaitStatus::Exited(p.get_process().pid(), 0));
}

#[test]
fn ctrl_d_quits_with_status_zero() {
    let mut p = spawn();
    p.send(ControlCode::EndOfTransmission).unwrap();
    p.expect(Eof).unwrap();
    let status = p.get_process_mut().wait().unwrap();
    assert_eq!(status, expectrl::WaitStatus::Exited(p.get_process().pid(), 0));
}
