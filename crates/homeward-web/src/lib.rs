//! The web interface: server-rendered pages served beside the JSON API by the same process.

use axum::Router;
use homeward_server::AppState;

/// The routes of the web interface.
pub fn router() -> Router<AppState> {
    Router::new()
}
