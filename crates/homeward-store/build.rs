// Rebuild when a migration is added, since they are embedded in the binary. The PostgreSQL
// suite runs only when a server is named; without one, its tests are marked ignored with the
// reason, so plain `cargo test` says it skipped them instead of hiding it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo:rerun-if-env-changed=HOMEWARD_TEST_POSTGRES");
    if std::env::var("HOMEWARD_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        println!("cargo:rustc-cfg=postgres_tests");
    }
}
