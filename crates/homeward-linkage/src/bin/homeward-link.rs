//! The standalone linker: `homeward-link LEFT.csv RIGHT.csv --config LINK.toml --out PAIRS.csv`.
//! Same arguments as `homeward link`; used by the benchmarks and wherever the full `homeward`
//! binary is not installed.

use clap::Parser;
use homeward_linkage::cli::{self, LinkArgs};

/// Link two CSV files of people, or find duplicates in one.
#[derive(Parser, Debug)]
#[command(
    name = "homeward-link",
    version,
    about = "Link two CSV files of people, or find duplicates in one (same as `homeward link`)"
)]
struct Cli {
    #[command(flatten)]
    args: LinkArgs,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli::run(&cli.args) {
        Ok(s) => {
            eprintln!(
                "{} pairs at or above {} written to {} ({} + {} records, {} candidate pairs, {:.2} s)",
                s.pairs_written,
                s.threshold,
                cli.args.out.display(),
                s.left_records,
                s.right_records,
                s.candidate_pairs,
                s.seconds
            );
            for (rule, n) in &s.pairs_per_rule {
                eprintln!("  blocking {rule}: {n} pairs");
            }
            eprintln!(
                "  prior match probability {:.3e}; EM {} iterations{}",
                s.lambda,
                s.em_iterations,
                if s.em_accepted {
                    ""
                } else {
                    " (not used: start values kept)"
                }
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("homeward-link: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
