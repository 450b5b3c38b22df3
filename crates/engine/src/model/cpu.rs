//! The CPU reference forward pass, in f32, with a KV cache and sliding-window attention.
//! Weights are dequantized once at load.

use crate::gguf::{GgufFile, Source, TensorInfo};

use super::config::{Activation, ModelConfig, RopeStyle};
use super::math::{
    dot, gelu_tanh, matmuls, matvec, rms_norm, rope, silu, softmax, Matrix, MatrixData,
};

/// Most prompt tokens run through the layers together (bounds the scratch memory).
const MAX_BATCH: usize = 64;
use super::ModelError;
use crate::quant::GgmlType;

/// Weights of one decoder layer.
#[derive(Debug, Clone)]
struct Layer {
    attn_norm: Vec<f32>,
    wq: Matrix,
    wk: Matrix,
    wv: Matrix,
    bq: Option<Vec<f32>>,
    bk: Option<Vec<f32>>,
    bv: Option<Vec<f32>>,
    q_norm: Option<Vec<f32>>,
    k_norm: Option<Vec<f32>>,
    wo: Matrix,
    post_attn_norm: Option<Vec<f32>>,
    ffn_norm: Vec<f32>,
    w_gate: Matrix,
    w_up: Matrix,
    w_down: Matrix,
    post_ffn_norm: Option<Vec<f32>>,
}

/// All weights, dequantized to f32.
#[derive(Debug, Clone)]
pub struct CpuWeights {
    tok_embd: Matrix,
    /// `None` when the output projection is tied to the token embedding.
    output: Option<Matrix>,
    output_norm: Vec<f32>,
    layers: Vec<Layer>,
}

struct Loader<'a, S: Source + ?Sized> {
    f: &'a GgufFile,
    src: &'a S,
}

impl<S: Source + ?Sized> Loader<'_, S> {
    fn info(&self, name: &str) -> Result<&TensorInfo, ModelError> {
        self.f
            .tensor(name)
            .ok_or_else(|| ModelError::MissingTensor(name.to_string()))
    }

    fn vector(&self, name: &str, len: usize) -> Result<Vec<f32>, ModelError> {
        let info = self.info(name)?;
        if info.n_elements != len as u64 {
            return Err(ModelError::Shape {
                name: name.to_string(),
                expected: vec![len as u64],
                got: info.dims.clone(),
            });
        }
        Ok(self.f.tensor_f32(self.src, name)?)
    }

    fn opt_vector(&self, name: &str, len: usize) -> Result<Option<Vec<f32>>, ModelError> {
        match self.f.tensor(name) {
            None => Ok(None),
            Some(_) => self.vector(name, len).map(Some),
        }
    }

    /// A matrix with `rows` rows of `cols` values (GGUF dims `[cols, rows]`).
    fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Matrix, ModelError> {
        let info = self.info(name)?;
        if info.dims.len() != 2 || info.dims[0] != cols as u64 || info.dims[1] != rows as u64 {
            return Err(ModelError::Shape {
                name: name.to_string(),
                expected: vec![cols as u64, rows as u64],
                got: info.dims.clone(),
            });
        }
        Ok(Matrix::f32(rows, cols, self.f.tensor_f32(self.src, name)?))
    }

    /// Like [`Self::matrix`], but a Q8_0 tensor stays quantized (exact same values; a
    /// quarter of the memory traffic in the mat-vec).
    fn matrix_keep_q8(&self, name: &str, rows: usize, cols: usize) -> Result<Matrix, ModelError> {
        let info = self.info(name)?;
        if info.ty != GgmlType::Q8_0 {
            return self.matrix(name, rows, cols);
        }
        if info.dims.len() != 2 || info.dims[0] != cols as u64 || info.dims[1] != rows as u64 {
            return Err(ModelError::Shape {
                name: name.to_string(),
                expected: vec![cols as u64, rows as u64],
                got: info.dims.clone(),
            });
        }
        let bytes = self.f.tensor_bytes(self.src, info)?.into_owned();
        Ok(Matrix {
            rows,
            cols,
            data: MatrixData::Q8_0(bytes),
        })
    }
}

impl CpuWeights {
    /// Loads and dequantizes every weight the configuration needs.
    pub fn load<S: Source + ?Sized>(
        cfg: &ModelConfig,
        f: &GgufFile,
        src: &S,
    ) -> Result<Self, ModelError> {
        let l = Loader { f, src };
        let (e, hd) = (cfg.n_embd, cfg.head_dim);
        let (q_dim, kv_dim) = (cfg.n_head * hd, cfg.n_head_kv * hd);
        let tok_embd = l.matrix_keep_q8("token_embd.weight", cfg.n_vocab, e)?;
        let output = match f.tensor("output.weight") {
            Some(_) => Some(l.matrix_keep_q8("output.weight", cfg.n_vocab, e)?),
            None => None,
        };
        let output_norm = l.vector("output_norm.weight", e)?;
        let mut layers = Vec::with_capacity(cfg.n_layer);
        for i in 0..cfg.n_layer {
            let n = |s: &str| format!("blk.{i}.{s}");
            let bias = |s: &str, len| {
                if cfg.qkv_bias {
                    l.opt_vector(&n(s), len)
                } else {
                    Ok(None)
                }
            };
            let norm = |s: &str, len, on: bool| {
                if on {
                    l.vector(&n(s), len).map(Some)
                } else {
                    Ok(None)
                }
            };
            layers.push(Layer {
                attn_norm: l.vector(&n("attn_norm.weight"), e)?,
                wq: l.matrix(&n("attn_q.weight"), q_dim, e)?,
                wk: l.matrix(&n("attn_k.weight"), kv_dim, e)?,
                wv: l.matrix(&n("attn_v.weight"), kv_dim, e)?,
                bq: bias("attn_q.bias", q_dim)?,
                bk: bias("attn_k.bias", kv_dim)?,
                bv: bias("attn_v.bias", kv_dim)?,
                q_norm: norm("attn_q_norm.weight", hd, cfg.qk_norm)?,
                k_norm: norm("attn_k_norm.weight", hd, cfg.qk_norm)?,
                wo: l.matrix(&n("attn_output.weight"), e, q_dim)?,
                post_attn_norm: norm("post_attention_norm.weight", e, cfg.post_norms)?,
                ffn_norm: l.vector(&n("ffn_norm.weight"), e)?,
                w_gate: l.matrix(&n("ffn_gate.weight"), cfg.n_ff, e)?,
                w_up: l.matrix(&n("ffn_up.weight"), cfg.n_ff, e)?,
                w_down: l.matrix(&n("ffn_down.weight"), e, cfg.n_ff)?,
                post_ffn_norm: norm("post_ffw_norm.weight", e, cfg.post_norms)?,
            });
        }
        Ok(Self {
            tok_embd,
            output,
            output_norm,
            layers,
        })
    }
}

/// Keys and values of every past position, per layer.
#[derive(Debug, Clone, Default)]
pub struct KvCache {
    /// `k[layer]` holds `n_pos * kv_dim` values.
    k: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
    n_pos: usize,
}

impl KvCache {
    /// Positions stored.
    pub fn len(&self) -> usize {
        self.n_pos
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.n_pos == 0
    }
}

/// The f32 CPU model: configuration, weights and a KV cache.
#[derive(Debug, Clone)]
pub struct CpuModel {
    cfg: ModelConfig,
    w: CpuWeights,
    cache: KvCache,
}

impl CpuModel {
    /// Reads the configuration and loads the weights.
    pub fn load<S: Source + ?Sized>(f: &GgufFile, src: &S) -> Result<Self, ModelError> {
        let cfg = ModelConfig::from_gguf(f)?;
        let w = CpuWeights::load(&cfg, f, src)?;
        Ok(Self::new(cfg, w))
    }

    /// A model from a configuration and loaded weights.
    pub fn new(cfg: ModelConfig, w: CpuWeights) -> Self {
        let cache = KvCache {
            k: vec![Vec::new(); cfg.n_layer],
            v: vec![Vec::new(); cfg.n_layer],
            n_pos: 0,
        };
        Self { cfg, w, cache }
    }

    /// The configuration.
    pub fn config(&self) -> &ModelConfig {
        &self.cfg
    }

    /// Positions in the KV cache.
    pub fn n_past(&self) -> usize {
        self.cache.n_pos
    }

    /// Empties the KV cache.
    pub fn reset(&mut self) {
        for (k, v) in self.cache.k.iter_mut().zip(&mut self.cache.v) {
            k.clear();
            v.clear();
        }
        self.cache.n_pos = 0;
    }

    /// Runs `tokens` at the next positions and returns the logits after the last one
    /// (empty when `tokens` is empty).
    pub fn forward(&mut self, tokens: &[u32]) -> Result<Vec<f32>, ModelError> {
        for &t in tokens {
            if t as usize >= self.cfg.n_vocab {
                return Err(ModelError::TokenOutOfRange {
                    token: t,
                    n_vocab: self.cfg.n_vocab,
                });
            }
        }
        if self.cache.n_pos + tokens.len() > self.cfg.context_length {
            return Err(ModelError::ContextFull(self.cfg.context_length));
        }
        let mut last = None;
        for batch in tokens.chunks(MAX_BATCH) {
            last = Some(self.step_batch(batch));
        }
        Ok(last.map(|x| self.logits(x)).unwrap_or_default())
    }

    /// Runs `tokens` (a batch) through every layer at the next positions; returns the final
    /// hidden state of the last one (before the output norm). Each weight row is read once for
    /// the whole batch.
    fn step_batch(&mut self, tokens: &[u32]) -> Vec<f32> {
        let c = &self.cfg;
        let n = tokens.len();
        let (e, hd) = (c.n_embd, c.head_dim);
        let (q_dim, kv_dim) = (c.n_head * hd, c.n_head_kv * hd);
        let pos0 = self.cache.n_pos;
        let mut x = Vec::with_capacity(n * e);
        for &t in tokens {
            x.extend(self.w.tok_embd.row_f32(t as usize));
        }
        if let Some(scale) = c.embed_scale {
            x.iter_mut().for_each(|v| *v *= scale);
        }
        let mut h = vec![0.0; n * e];
        let mut q = vec![0.0; n * q_dim];
        let mut k = vec![0.0; n * kv_dim];
        let mut v = vec![0.0; n * kv_dim];
        let mut att = vec![0.0; n * q_dim];
        let mut o = vec![0.0; n * e];
        let mut gate = vec![0.0; n * c.n_ff];
        let mut up = vec![0.0; n * c.n_ff];
        let mut scores = Vec::with_capacity(pos0 + n);
        let neox = c.rope_style == RopeStyle::Neox;
        let norm_rows = |buf: &mut [f32], w: &[f32], width: usize| {
            for row in buf.chunks_exact_mut(width) {
                rms_norm(row, w, c.rms_eps);
            }
        };
        let add_bias = |buf: &mut [f32], b: &Option<Vec<f32>>, width: usize| {
            if let Some(b) = b {
                for row in buf.chunks_exact_mut(width) {
                    row.iter_mut().zip(b).for_each(|(o, b)| *o += b);
                }
            }
        };
        for (il, layer) in self.w.layers.iter().enumerate() {
            h.copy_from_slice(&x);
            norm_rows(&mut h, &layer.attn_norm, e);
            matmuls(
                &h,
                n,
                &mut [
                    (&layer.wq, &mut q),
                    (&layer.wk, &mut k),
                    (&layer.wv, &mut v),
                ],
            );
            add_bias(&mut q, &layer.bq, q_dim);
            add_bias(&mut k, &layer.bk, kv_dim);
            add_bias(&mut v, &layer.bv, kv_dim);
            let (base, fscale) = c.rope_for_layer(il);
            for (t, row) in q.chunks_exact_mut(q_dim).enumerate() {
                for head in row.chunks_exact_mut(hd) {
                    if let Some(w) = &layer.q_norm {
                        rms_norm(head, w, c.rms_eps);
                    }
                    rope(head, pos0 + t, c.rope_dim, base, fscale, neox);
                    head.iter_mut().for_each(|v| *v *= c.attention_scale);
                }
            }
            for (t, row) in k.chunks_exact_mut(kv_dim).enumerate() {
                for head in row.chunks_exact_mut(hd) {
                    if let Some(w) = &layer.k_norm {
                        rms_norm(head, w, c.rms_eps);
                    }
                    rope(head, pos0 + t, c.rope_dim, base, fscale, neox);
                }
            }
            let kc = &mut self.cache.k[il];
            let vc = &mut self.cache.v[il];
            kc.extend_from_slice(&k);
            vc.extend_from_slice(&v);
            let group = c.n_head / c.n_head_kv;
            for t in 0..n {
                let pos = pos0 + t;
                // Visible positions: causal, and within the window on sliding layers.
                let first = match c.sliding_window {
                    Some(w) if c.is_sliding(il) => (pos + 1).saturating_sub(w),
                    _ => 0,
                };
                for hh in 0..c.n_head {
                    let kvh = hh / group;
                    let qh = &q[t * q_dim + hh * hd..t * q_dim + (hh + 1) * hd];
                    scores.clear();
                    for p in first..=pos {
                        let kp = &kc[p * kv_dim + kvh * hd..p * kv_dim + (kvh + 1) * hd];
                        scores.push(dot(qh, kp));
                    }
                    softmax(&mut scores);
                    let out = &mut att[t * q_dim + hh * hd..t * q_dim + (hh + 1) * hd];
                    out.fill(0.0);
                    for (i, &a) in scores.iter().enumerate() {
                        let p = first + i;
                        let vp = &vc[p * kv_dim + kvh * hd..p * kv_dim + (kvh + 1) * hd];
                        out.iter_mut().zip(vp).for_each(|(o, v)| *o += a * v);
                    }
                }
            }
            matmuls(&att, n, &mut [(&layer.wo, &mut o)]);
            if let Some(w) = &layer.post_attn_norm {
                norm_rows(&mut o, w, e);
            }
            x.iter_mut().zip(&o).for_each(|(x, o)| *x += o);

            h.copy_from_slice(&x);
            norm_rows(&mut h, &layer.ffn_norm, e);
            matmuls(
                &h,
                n,
                &mut [(&layer.w_gate, &mut gate), (&layer.w_up, &mut up)],
            );
            let act = match c.activation {
                Activation::GeluTanh => gelu_tanh,
                Activation::Silu => silu,
            };
            gate.iter_mut().zip(&up).for_each(|(g, u)| *g = act(*g) * u);
            matmuls(&gate, n, &mut [(&layer.w_down, &mut o)]);
            if let Some(w) = &layer.post_ffn_norm {
                norm_rows(&mut o, w, e);
            }
            x.iter_mut().zip(&o).for_each(|(x, o)| *x += o);
        }
        self.cache.n_pos += n;
        x.split_off((n - 1) * e)
    }

    fn logits(&self, mut x: Vec<f32>) -> Vec<f32> {
        rms_norm(&mut x, &self.w.output_norm, self.cfg.rms_eps);
        let out = self.w.output.as_ref().unwrap_or(&self.w.tok_embd);
        let mut logits = vec![0.0; out.rows];
        matvec(out, &x, &mut logits);
        if let Some(cap) = self.cfg.final_logit_softcap {
            logits.iter_mut().for_each(|l| *l = cap * (*l / cap).tanh());
        }
        logits
    }
}
