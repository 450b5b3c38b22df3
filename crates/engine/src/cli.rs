//! The `atlas-run` command line: argument parsing and commands (native only).
//!
//! ```text
//! atlas-run tokenize --model PATH --text TEXT
//! atlas-run generate --model PATH --prompt TEXT [-n N] [--temperature T] [--seed S]
//!                    [--top-k K] [--top-p P] [--repeat-penalty R] [--backend cpu|gpu] [--json]
//! atlas-run inspect  --model PATH
//! atlas-run bench    --model PATH [--prompt-tokens N] [-n N]
//! ```
//! `PATH` is a GGUF file or a model manifest JSON whose `parts` are read in order.

use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Instant;

use serde::Serialize;

use crate::files::{read_model, LoadError};
use crate::generate::{generate, Backend, EngineError, GenerateParams};
use crate::gguf::{GgufError, GgufFile, MultiSlice, Value};
use crate::model::{CpuModel, ModelError};
use crate::sampler::{SamplerConfig, SplitMix64};
use crate::tokenizer::{Tokenizer, TokenizerError};

/// Usage text.
pub const USAGE: &str = "usage:
  atlas-run tokenize --model PATH --text TEXT
  atlas-run generate --model PATH --prompt TEXT [-n N] [--temperature T] [--seed S]
                     [--top-k K] [--top-p P] [--repeat-penalty R] [--backend cpu|gpu] [--json]
  atlas-run inspect --model PATH
  atlas-run bench --model PATH [--prompt-tokens N] [-n N]   (GPU decode/prefill speed as JSON)
PATH: a .gguf file or a model manifest .json listing the file's parts";

/// Errors of the command line tool.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments.
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    /// Reading the model files failed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The GGUF file is invalid.
    #[error(transparent)]
    Gguf(#[from] GgufError),
    /// The tokenizer could not be built.
    #[error(transparent)]
    Tokenizer(#[from] TokenizerError),
    /// The model could not be loaded.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Running the model failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Writing output failed.
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    /// JSON serialisation failed.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Which implementation runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// The f32 CPU reference.
    Cpu,
    /// The wgpu/WebGPU backend.
    Gpu,
}

impl FromStr for BackendKind {
    type Err = CliError;
    fn from_str(s: &str) -> Result<Self, CliError> {
        match s {
            "cpu" => Ok(BackendKind::Cpu),
            "gpu" => Ok(BackendKind::Gpu),
            other => Err(CliError::Usage(format!(
                "unknown backend '{other}' (expected cpu or gpu)"
            ))),
        }
    }
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Print the token ids of `text` (no BOS) as a JSON array.
    Tokenize {
        /// Model path.
        model: PathBuf,
        /// Text to tokenize.
        text: String,
    },
    /// Generate a continuation of `prompt`.
    Generate(GenerateArgs),
    /// Print the metadata and tensor list.
    Inspect {
        /// Model path.
        model: PathBuf,
    },
    /// Measure GPU decode and prefill speed against the device's read bandwidth (JSON).
    Bench {
        /// Model path.
        model: PathBuf,
        /// Prompt length for the prefill measurement.
        prompt_tokens: u32,
        /// Tokens to decode.
        decode_tokens: u32,
    },
}

/// Arguments of `generate`.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateArgs {
    /// Model path.
    pub model: PathBuf,
    /// Prompt text (special tokens such as `<start_of_turn>` are recognised).
    pub prompt: String,
    /// Tokens to generate.
    pub n: usize,
    /// Sampling settings.
    pub sampler: SamplerConfig,
    /// RNG seed.
    pub seed: u64,
    /// Backend.
    pub backend: BackendKind,
    /// Print one JSON object instead of streaming text.
    pub json: bool,
}

fn parse_num<T: FromStr>(flag: &str, v: &str) -> Result<T, CliError> {
    v.parse()
        .map_err(|_| CliError::Usage(format!("invalid value '{v}' for {flag}")))
}

/// Parses the arguments after the program name.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Command, CliError> {
    let mut it = args.into_iter();
    let cmd = it
        .next()
        .ok_or_else(|| CliError::Usage("missing command".into()))?;
    let mut model = None;
    let mut text = None;
    let mut prompt = None;
    let mut n = 32usize;
    let mut sampler = SamplerConfig::default();
    let mut seed = 0u64;
    let mut backend = BackendKind::Cpu;
    let mut json = false;
    let mut prompt_tokens = 128u32;
    while let Some(flag) = it.next() {
        if flag == "--json" {
            json = true;
            continue;
        }
        if flag == "-h" || flag == "--help" {
            return Err(CliError::Usage("help requested".into()));
        }
        let value = it
            .next()
            .ok_or_else(|| CliError::Usage(format!("{flag} needs a value")))?;
        match flag.as_str() {
            "--model" | "-m" => model = Some(PathBuf::from(value)),
            "--text" => text = Some(value),
            "--prompt" | "-p" => prompt = Some(value),
            "-n" | "--n-predict" => n = parse_num(&flag, &value)?,
            "--temperature" | "--temp" => sampler.temperature = parse_num(&flag, &value)?,
            "--seed" => seed = parse_num(&flag, &value)?,
            "--top-k" => sampler.top_k = parse_num(&flag, &value)?,
            "--top-p" => sampler.top_p = parse_num(&flag, &value)?,
            "--repeat-penalty" => sampler.repeat_penalty = parse_num(&flag, &value)?,
            "--repeat-last-n" => sampler.repeat_last_n = parse_num(&flag, &value)?,
            "--backend" => backend = value.parse()?,
            "--prompt-tokens" => prompt_tokens = parse_num(&flag, &value)?,
            other => return Err(CliError::Usage(format!("unknown option '{other}'"))),
        }
    }
    let model = model.ok_or_else(|| CliError::Usage("--model is required".into()))?;
    match cmd.as_str() {
        "tokenize" => Ok(Command::Tokenize {
            model,
            text: text.ok_or_else(|| CliError::Usage("--text is required".into()))?,
        }),
        "generate" => Ok(Command::Generate(GenerateArgs {
            model,
            prompt: prompt.ok_or_else(|| CliError::Usage("--prompt is required".into()))?,
            n,
            sampler,
            seed,
            backend,
            json,
        })),
        "inspect" => Ok(Command::Inspect { model }),
        "bench" => Ok(Command::Bench {
            model,
            prompt_tokens,
            decode_tokens: u32::try_from(n)
                .map_err(|_| CliError::Usage(format!("-n {n} is too large")))?,
        }),
        other => Err(CliError::Usage(format!("unknown command '{other}'"))),
    }
}

fn open(path: &std::path::Path) -> Result<(MultiSlice<Vec<u8>>, GgufFile), CliError> {
    let src = read_model(path)?;
    let file = GgufFile::parse(&src)?;
    Ok((src, file))
}

/// Creates the requested backend for a loaded file.
pub fn open_backend(
    kind: BackendKind,
    file: &GgufFile,
    src: &MultiSlice<Vec<u8>>,
) -> Result<Box<dyn Backend>, CliError> {
    match kind {
        BackendKind::Cpu => Ok(Box::new(CpuModel::load(file, src)?)),
        #[cfg(feature = "gpu")]
        BackendKind::Gpu => {
            let opts = crate::gpu::GpuModelOptions {
                max_context: 4096,
                ..Default::default()
            };
            crate::gpu::runner::open_blocking(file, src, opts)
                .map(|m| Box::new(m) as Box<dyn Backend>)
                .map_err(|e| gpu_unavailable(e.to_string()))
        }
        #[cfg(not(feature = "gpu"))]
        BackendKind::Gpu => Err(gpu_unavailable(
            "atlas-engine was built without the `gpu` feature".into(),
        )),
    }
}

fn gpu_unavailable(reason: String) -> CliError {
    EngineError::BackendUnavailable {
        backend: "gpu".into(),
        reason,
    }
    .into()
}

#[derive(Serialize)]
struct GenerateJson<'a> {
    prompt_ids: &'a [u32],
    ids: &'a [u32],
    text: &'a str,
    backend: &'a str,
    adapter: String,
    prefill_tok_s: f64,
    decode_tok_s: f64,
}

/// Runs a parsed command, writing results to `out`.
pub fn run(cmd: Command, out: &mut dyn Write) -> Result<(), CliError> {
    match cmd {
        Command::Tokenize { model, text } => {
            let (_, file) = open(&model)?;
            let tok = Tokenizer::from_gguf(&file)?;
            let ids = tok.encode(&text, false, false);
            writeln!(out, "{}", serde_json::to_string(&ids)?)?;
        }
        Command::Inspect { model } => {
            let (_, file) = open(&model)?;
            writeln!(out, "GGUF v{}, alignment {}", file.version, file.alignment)?;
            for (k, v) in &file.metadata {
                match v {
                    Value::Array(t, items) => writeln!(out, "{k} = [{t:?}; {}]", items.len())?,
                    other => writeln!(out, "{k} = {other:?}")?,
                }
            }
            for t in &file.tensors {
                writeln!(
                    out,
                    "{} {:?} {:?} {} bytes",
                    t.name, t.dims, t.ty, t.n_bytes
                )?;
            }
        }
        Command::Bench {
            model,
            prompt_tokens,
            decode_tokens,
        } => {
            let (src, file) = open(&model)?;
            #[cfg(feature = "gpu")]
            {
                let opts = crate::gpu::bench::BenchOptions {
                    prefill_tokens: prompt_tokens,
                    decode_tokens,
                };
                let report = crate::gpu::bench::run_blocking(&file, &src, opts)
                    .map_err(|e| gpu_unavailable(e.to_string()))?;
                writeln!(out, "{}", serde_json::to_string(&report)?)?;
            }
            #[cfg(not(feature = "gpu"))]
            {
                let _ = (src, file, prompt_tokens, decode_tokens);
                return Err(gpu_unavailable(
                    "atlas-engine was built without the `gpu` feature".into(),
                ));
            }
        }
        Command::Generate(a) => {
            let (src, file) = open(&a.model)?;
            let tok = Tokenizer::from_gguf(&file)?;
            let mut backend = open_backend(a.backend, &file, &src)?;
            drop(file);
            drop(src);
            let prompt_ids = tok.encode(&a.prompt, true, true);
            let params = GenerateParams {
                max_new_tokens: a.n,
                sampler: a.sampler.clone(),
                stop_at_eog: true,
            };
            let mut rng = SplitMix64::new(a.seed);
            let origin = Instant::now();
            let now = move || origin.elapsed().as_secs_f64();
            let json = a.json;
            let mut stream_err = None;
            let mut on_text = |s: &str| {
                if !json && stream_err.is_none() {
                    if let Err(e) = out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
                        stream_err = Some(e);
                    }
                }
            };
            let g = generate(
                backend.as_mut(),
                &tok,
                &prompt_ids,
                &params,
                &mut rng,
                &now,
                &mut on_text,
            )?;
            if let Some(e) = stream_err {
                return Err(e.into());
            }
            if json {
                let j = GenerateJson {
                    prompt_ids: &g.prompt_ids,
                    ids: &g.ids,
                    text: &g.text,
                    backend: backend.name(),
                    adapter: backend.adapter(),
                    prefill_tok_s: g.prefill_tok_s,
                    decode_tok_s: g.decode_tok_s,
                };
                writeln!(out, "{}", serde_json::to_string(&j)?)?;
            } else {
                writeln!(out)?;
                eprintln!(
                    "[{} on {}] prompt {} tokens at {:.1} tok/s, generated {} tokens at {:.1} tok/s",
                    backend.name(),
                    backend.adapter(),
                    g.prompt_ids.len(),
                    g.prefill_tok_s,
                    g.ids.len(),
                    g.decode_tok_s
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_generate() {
        let c = parse_args(args(&[
            "generate",
            "--model",
            "m.json",
            "--prompt",
            "hi",
            "-n",
            "5",
            "--temperature",
            "0.7",
            "--seed",
            "9",
            "--top-k",
            "40",
            "--top-p",
            "0.9",
            "--repeat-penalty",
            "1.1",
            "--backend",
            "cpu",
            "--json",
        ]))
        .unwrap();
        let Command::Generate(g) = c else {
            panic!("not generate")
        };
        assert_eq!(
            (g.n, g.seed, g.json, g.backend),
            (5, 9, true, BackendKind::Cpu)
        );
        assert_eq!(g.sampler.temperature, 0.7);
        assert_eq!(
            (g.sampler.top_k, g.sampler.top_p, g.sampler.repeat_penalty),
            (40, 0.9, 1.1)
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        for bad in [
            &[][..],
            &["generate", "--prompt", "x"][..],
            &["tokenize", "--model", "m"][..],
            &["generate", "--model", "m", "--prompt", "x", "-n", "many"][..],
            &[
                "generate",
                "--model",
                "m",
                "--prompt",
                "x",
                "--backend",
                "tpu",
            ][..],
            &["frobnicate", "--model", "m"][..],
            &["tokenize", "--model"][..],
            &["tokenize", "--model", "m", "--bogus", "1"][..],
        ] {
            let e = parse_args(args(bad)).unwrap_err();
            assert!(matches!(e, CliError::Usage(_)), "{bad:?}: {e}");
        }
    }
}
