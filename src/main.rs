fn main() {
    std::process::exit(gwaudit::cli::main());
}
