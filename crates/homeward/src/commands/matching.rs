//! `homeward match run`: recomputes the potential matches of every tracing request, for
//! instance after an import done while the server was stopped, or after the threshold changed.

use anyhow::Result;
use clap::Subcommand;
use homeward_domain::RecordKind;
use homeward_server::matching::MatchService;
use homeward_store::Store;
use indicatif::{ProgressBar, ProgressStyle};

use super::{open_store, Outcome};
use crate::settings::Settings;

/// Matching commands.
#[derive(Subcommand)]
pub enum MatchCommand {
    /// Score every tracing request against every registered child and store the proposals.
    Run {
        /// Probability from which to propose a match.
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
    },
}

/// Runs a matching command.
pub async fn run(settings: &Settings, c: MatchCommand) -> Result<Outcome> {
    let MatchCommand::Run { threshold } = c;
    if !(0.05..=1.0).contains(&threshold) {
        anyhow::bail!("--threshold {threshold} is outside 0.05–1");
    }
    let store = open_store(settings).await?;
    let proposals = recompute_all(&store, threshold).await?;
    store.close().await;
    println!("{proposals} potential matches at or above {threshold} (new ones were stored and their caseworkers alerted)");
    Ok(Outcome::Ok)
}

/// Matches every tracing request; returns how many proposals were found.
pub async fn recompute_all(store: &Store, threshold: f64) -> Result<usize> {
    let service = MatchService::new(store.clone(), threshold);
    eprintln!("building the matching index ...");
    service.matcher().await?;
    let requests = store.record_ids(RecordKind::TracingRequest).await?;
    let bar = ProgressBar::new(requests.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("matching [{bar:30}] {pos}/{len} tracing requests")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut proposals = 0;
    for id in requests {
        proposals += service
            .propose(RecordKind::TracingRequest, id, threshold)
            .await?
            .len();
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(proposals)
}
