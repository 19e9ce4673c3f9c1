//! The command line as `clap` derive types. Values stay `OsString` here: `clap` only
//! splits the words, and the subcommands parse numbers and names themselves, so that
//! any byte sequence the OS hands over ends in a one-line message, never a panic, and
//! the messages keep the project's wording.

use std::ffi::OsString;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::model::zoo;

#[derive(Parser, Debug)]
#[command(
    name = "coopai",
    version,
    about = "Plan cooperative DNN inference on edge devices (MLS / SLS of the CoopAI paper)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line, with the zoo's names in the help read from the zoo.
    pub fn try_parse_words(words: impl IntoIterator<Item = OsString>) -> Result<Cli, clap::Error> {
        let help = format!(
            "Zoo models: {}. Defaults are the paper's Raspberry Pi 4 setting: --devices 10 \
             --bandwidth 100 --gflops 13.6.",
            zoo::NAMES.join(", ")
        );
        let matches = Cli::command()
            .after_help(help)
            .try_get_matches_from(words)?;
        Cli::from_arg_matches(&matches)
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The best plan for one setting: k, completion time, blocks (or the whole plan as JSON)
    Solve {
        #[command(flatten)]
        setting: SettingArgs,
        /// Print the whole plan as JSON
        #[arg(long)]
        json: bool,
        /// With --json: also the table of the dynamic program at the chosen k, as
        /// `{"plan": …, "dp": …}`
        #[arg(long, requires = "json")]
        dp: bool,
    },
    /// The paper's tables and figures, ours beside theirs
    Reproduce {
        /// Print the data as JSON
        #[arg(long)]
        json: bool,
        /// Print the tables as Markdown (what the README embeds)
        #[arg(long)]
        markdown: bool,
    },
    /// Time full MLS solves of the zoo and a 300-layer chain, cold and warm
    Bench {
        /// Print the table as Markdown
        #[arg(long)]
        markdown: bool,
        /// Print the rows as JSON: [{model, layers, devices, cold_ms, warm_ms, …}]
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
    },
    /// Run the plan on real f32 tensors and check every round against the model and the cost model
    Verify {
        #[command(flatten)]
        setting: SettingArgs,
        /// Divide the input's height and width by S (a whole number, default 1)
        #[arg(long, value_name = "S", allow_hyphen_values = true)]
        scale: Option<OsString>,
        /// Seed of the weights and the input (a whole number, default 1)
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        seed: Option<OsString>,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
}

/// The options every planning subcommand shares.
#[derive(Args, Debug)]
pub struct SettingArgs {
    /// A zoo model or a model file (project JSON, Darknet .cfg, Keras or TF.js JSON, ONNX)
    #[arg(long, value_name = "NAME|FILE", required = true)]
    pub model: Option<OsString>,
    /// Candidate devices D, 1 to 256 [default: 10]
    #[arg(long, value_name = "D", allow_hyphen_values = true)]
    pub devices: Option<OsString>,
    /// Gateway bandwidth in Mbps [default: 100]
    #[arg(long, value_name = "MBPS", allow_hyphen_values = true)]
    pub bandwidth: Option<OsString>,
    /// Speed of one device in GFLOPS [default: 13.6]
    #[arg(long, value_name = "GF", allow_hyphen_values = true)]
    pub gflops: Option<OsString>,
    /// Mixed devices instead of --devices and --gflops: COUNTxGFLOPS[@MEMORY_MB],… (e.g.
    /// 4x13.6,1x50@2048) or a JSON file of named devices
    #[arg(long, value_name = "SPEC|FILE", allow_hyphen_values = true)]
    pub cluster: Option<OsString>,
    /// mls (multi-layer blocks), sls (one layer per block), or both (solve only: the
    /// two plans and the saving) [default: mls]
    #[arg(long, value_name = "mls|sls|both", allow_hyphen_values = true)]
    pub algorithm: Option<OsString>,
    /// latency (one picture's completion time) or throughput (a stream's period, see
    /// docs/spec-stream.md) [default: latency]
    #[arg(long, value_name = "latency|throughput", allow_hyphen_values = true)]
    pub objective: Option<OsString>,
}
