// The PostgreSQL tests of the binary run only when a server is named; without one they are
// marked ignored with the reason, as in the store and server crates.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo:rerun-if-env-changed=HOMEWARD_TEST_POSTGRES");
    if std::env::var("HOMEWARD_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=postgres_tests");
    }
}
