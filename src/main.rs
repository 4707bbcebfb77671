//! The `ovsm` command: parses arguments and calls into the crates.

mod cli;
mod source_file;

#[global_allocator]
static ALLOCATOR: ovsm_runtime::CountingAllocator = ovsm_runtime::CountingAllocator;

fn main() {
    std::process::exit(cli::main());
}
