//! Helpers shared by the fuzz targets.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, OnceLock};

/// Stack of the worker thread the targets run on. The CLI runs on a 1 GiB stack because
/// printing and dropping deeply nested values recurse; 256 MiB is plenty for fuzz-sized inputs
/// (libFuzzer's default `-max_len` is 4096 bytes).
pub const STACK_SIZE: usize = 256 << 20;

type Job = Box<dyn FnOnce() + Send>;

struct Worker {
    jobs: Sender<Job>,
    done: Receiver<()>,
}

/// Runs `job` to completion on one long-lived thread with a [`STACK_SIZE`] stack (spawning a
/// thread per input would cost more than most inputs). A panic in the job aborts the process
/// through libfuzzer-sys's panic hook, so libFuzzer records it as a crash with this input.
pub fn on_big_stack(job: impl FnOnce() + Send + 'static) {
    static WORKER: OnceLock<Mutex<Worker>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (jobs, job_rx) = channel::<Job>();
        let (done_tx, done) = channel::<()>();
        std::thread::Builder::new()
            .name("fuzz-worker".into())
            .stack_size(STACK_SIZE)
            .spawn(move || {
                for job in job_rx {
                    job();
                    if done_tx.send(()).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn the fuzz worker thread");
        Mutex::new(Worker { jobs, done })
    });
    let worker = worker.lock().unwrap_or_else(|e| e.into_inner());
    worker.jobs.send(Box::new(job)).expect("fuzz worker is gone");
    worker.done.recv().expect("fuzz worker died");
}
