//! The REPL's session object, command by command, without a terminal.

#![allow(clippy::unwrap_used, clippy::panic)]

use ovsm_repl::{Repl, COMMANDS};
use ovsm_runtime::Limits;

fn repl() -> Repl {
    Repl::recording(Limits::default())
}

fn out(r: &mut Repl, input: &str) -> String {
    r.handle(input).output
}

const PROGRAM: &str = "(define-autonomous-program ticker (on-startup (sol-subscribe-event :event-type \"SLOT_INTERVAL\" :interval 10 :callback (lambda () (log :message \"tick\" :slot (get-current-slot))) :compute-budget 1000)) (on-event \"PING\" (lambda (d) (log :message \"pong\" :n (get d :n)))))";

fn with_files() -> (tempdir::Dir, Repl) {
    let dir = tempdir::Dir::new();
    std::fs::write(dir.path("prog.ovsm"), PROGRAM).unwrap();
    std::fs::write(
        dir.path("s.toml"),
        "[[account]]\nname = \"ORACLE\"\nlamports = 5\nfields = [{ name = \"price\", offset = 0, type = \"i64\", value = 7 }]\n",
    )
    .unwrap();
    (dir, repl())
}

/// A scratch directory removed on drop, to keep the test free of extra dependencies.
mod tempdir {
    pub struct Dir(std::path::PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let p = std::env::temp_dir().join(format!("ovsm-repl-test-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }

        pub fn path(&self, name: &str) -> String {
            self.0.join(name).display().to_string()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn evaluates_and_keeps_definitions() {
    let mut r = repl();
    assert_eq!(out(&mut r, "(define (sq x) (* x x))"), "#<function sq>\n");
    assert_eq!(out(&mut r, "(sq 9)"), "81\n");
    assert_eq!(out(&mut r, "(println \"hi\") 5"), "hi\n5\n");
}

#[test]
fn errors_point_into_the_input_and_the_session_survives() {
    let mut r = repl();
    out(&mut r, "(define x 10)");
    let e = out(&mut r, "(+ x \"a\")");
    assert!(e.contains("type error") && e.contains("<repl:2>:1:1"), "{e}");
    assert_eq!(out(&mut r, "x"), "10\n");
    assert!(out(&mut r, "(+ 1").contains("unbalanced"));
}

#[test]
fn help_lists_every_command() {
    let mut r = repl();
    let help = out(&mut r, ":help");
    for (c, _) in COMMANDS {
        assert!(help.contains(c), "{c} missing from :help");
    }
    assert!(out(&mut r, ":nope").contains("unknown command"));
    assert!(r.handle(":quit").quit);
}

#[test]
fn load_advance_slot_subs_emit_dlq() {
    let (dir, mut r) = with_files();
    let loaded = out(&mut r, &format!(":load {}", dir.path("prog.ovsm")));
    assert!(loaded.contains("deployed ticker"), "{loaded}");
    let subs = out(&mut r, ":subs");
    assert!(subs.contains("SLOT_INTERVAL") && subs.contains("ticker") && subs.contains("10"), "{subs}");
    let advanced = out(&mut r, ":advance 25");
    assert!(
        advanced.contains("[slot 10 ticker] tick slot=10")
            && advanced.contains("[slot 20 ticker] tick slot=20")
            && advanced.contains("at slot 25"),
        "{advanced}"
    );
    assert!(out(&mut r, ":slot").starts_with("slot 25 epoch 0"));
    let emitted = out(&mut r, ":emit PING {:n 3}");
    assert!(emitted.contains("pong n=3"), "{emitted}");
    assert!(out(&mut r, ":dlq").contains("empty"));
    out(&mut r, "(define-autonomous-program bad (on-startup (sol-schedule-execution :target-slot 30 :compute-budget 100 :callback (lambda () (error \"nope\")))))");
    out(&mut r, ":advance 20");
    assert!(out(&mut r, ":dlq").contains("nope"));
}

#[test]
fn scenario_accounts_and_user_transactions() {
    let (dir, mut r) = with_files();
    assert!(out(&mut r, &format!(":scenario {}", dir.path("s.toml"))).contains("loaded 1 accounts"));
    assert!(out(&mut r, ":accounts").contains("ORACLE"));
    let account = out(&mut r, ":account ORACLE");
    assert!(account.contains("lamports 5") && account.contains("price") && account.contains(" 7"), "{account}");
    assert!(out(&mut r, ":set-account ORACLE 99").contains("99 lamports"));
    assert!(out(&mut r, ":account ORACLE").contains("lamports 99"));
    out(&mut r, ":set-field ORACLE price 1234");
    assert!(out(&mut r, ":account ORACLE").contains("1234"));
    assert!(out(&mut r, ":account nobody").contains("error"));
}

#[test]
fn inspection_commands() {
    let mut r = repl();
    assert!(out(&mut r, ":ast (+ 1 2)").contains("Symbol +"));
    assert!(out(&mut r, ":ir (+ 1 2)").contains("Add"));
    let cu = out(&mut r, ":cu (+ 1 2)");
    assert!(cu.starts_with("3\n") && cu.contains("compute units"), "{cu}");
    assert!(out(&mut r, ":doc get").contains("(get m k [default])"));
    assert!(out(&mut r, ":doc while").contains("special form"));
    out(&mut r, ":trace on");
    let traced = out(
        &mut r,
        "(define-autonomous-program t2 (on-startup (sol-schedule-execution :target-slot 3 :compute-budget 10 :callback (lambda () nil))))",
    );
    assert!(traced.contains("trace: {\"slot\":0,\"kind\":\"subscribed\""), "{traced}");
    out(&mut r, ":trace off");
    out(&mut r, "(define y 1)");
    assert!(out(&mut r, ":reset").contains("reset"));
    assert!(out(&mut r, "y").contains("undefined"));
}
