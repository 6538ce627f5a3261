//! Support for tests that need a real database: a fresh SQLite file or a fresh PostgreSQL
//! database per test, so tests never share state and never mock the database.

use sqlx::Executor;

/// The environment variable naming the PostgreSQL server for the PostgreSQL suite, as an
/// admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`.
pub const POSTGRES_ENV: &str = "HOMEWARD_TEST_POSTGRES";

/// The admin URL of the test PostgreSQL server, or `None` (and a note on stderr) when the
/// PostgreSQL suite is not configured.
pub fn postgres_admin_url(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipping PostgreSQL test `{test}`: set {POSTGRES_ENV}=postgres://postgres@127.0.0.1:5432/postgres to run it");
            None
        }
    }
}

/// Creates an empty database with a unique name and returns its URL.
pub async fn scratch_postgres_database(admin_url: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("homeward_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL server at {admin_url}: {e}"));
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create {name}: {e}"));
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    format!("{base}/{name}")
}

/// Drops a database [`scratch_postgres_database`] created; says so on stdout when it cannot
/// (a benchmark's figures are still worth keeping).
pub async fn drop_scratch_database(admin_url: &str, url: &str) {
    let name = url.rsplit('/').next().unwrap_or_default();
    let dropped = match <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url).await {
        Ok(mut conn) => conn
            .execute(format!("DROP DATABASE {name}").as_str())
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = dropped {
        println!("PostgreSQL: could not drop the scratch database {name}: {e}");
    }
}
