// Gated GELU (tanh approximation): out[i] = gelu(gate[i]) * up[i] for n * tokens elements.

struct Params {
    n: u32,
    n_tok: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read> gate: array<f32>;
@group(0) @binding(3) var<storage, read> up: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = gid.x + gid.y * nwg.x * 256u;
    let n_tok = select(p.n_tok, step.n_tok, p.n_tok == 0u);
    if (i >= p.n * n_tok) {
        return;
    }
    let x = gate[i];
    // 0.5 x (1 + tanh(sqrt(2/pi) x (1 + 0.044715 x^2))); the tanh argument is clamped so large
    // |x| cannot overflow inside tanh.
    let inner = clamp(0.7978845608028654 * x * (1.0 + 0.044715 * x * x), -15.0, 15.0);
    out[i] = 0.5 * x * (1.0 + tanh(inner)) * up[i];
}
