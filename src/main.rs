//! The `rawi` command: a thin shell over the library (see `rawi::cli`).

fn main() {
    std::process::exit(rawi::cli::main());
}
