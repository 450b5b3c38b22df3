// The per-forward-call uniform every kernel reads, written once a call so that dispatches are
// recorded once and replayed for every token (`ops::Step` writes its 16 bytes). Put in front of
// each op's source by `ops::with_step!`: an op's .wgsl uses `step` without declaring it.
struct Step {
    pos0: u32,  // position of the first token of this call
    n_tok: u32, // tokens in this call
    rand: f32,  // uniform random number in [0, 1) for sampling
    flags: u32, // reserved
}

@group(0) @binding(1) var<uniform> step: Step;

