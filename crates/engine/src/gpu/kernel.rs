//! Compute pipelines with explicit bind-group layouts, and recorded dispatches.

use super::{GpuContext, GpuError};

/// The kind of one binding of a kernel, in binding-index order (group 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `var<uniform>`.
    Uniform,
    /// `var<storage, read>`.
    ReadOnly,
    /// `var<storage, read_write>`.
    Storage,
    /// `var<uniform>` of a fixed-size array: the first `bytes` bytes of a (possibly larger)
    /// buffer, which must hold at least that many.
    UniformPrefix(u64),
    /// `texture_2d<u32>` (read with `textureLoad`; no sampler).
    Texture,
}

impl<'a> From<&'a wgpu::Buffer> for Resource<'a> {
    fn from(b: &'a wgpu::Buffer) -> Self {
        Self::Buffer(b)
    }
}

impl<'a> From<&'a wgpu::TextureView> for Resource<'a> {
    fn from(v: &'a wgpu::TextureView) -> Self {
        Self::Texture(v)
    }
}

impl Binding {
    /// The bind-group-layout entry type of this kind of binding.
    fn layout_type(self) -> wgpu::BindingType {
        let buffer = |ty| wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset: false,
            min_binding_size: match self {
                Self::UniformPrefix(n) => wgpu::BufferSize::new(n),
                _ => None,
            },
        };
        match self {
            Self::Uniform | Self::UniformPrefix(_) => buffer(wgpu::BufferBindingType::Uniform),
            Self::ReadOnly => buffer(wgpu::BufferBindingType::Storage { read_only: true }),
            Self::Storage => buffer(wgpu::BufferBindingType::Storage { read_only: false }),
            Self::Texture => wgpu::BindingType::Texture {
                sample_type: wgpu::TextureSampleType::Uint,
                view_dimension: wgpu::TextureViewDimension::D2,
                multisampled: false,
            },
        }
    }
}

/// One resource bound to a kernel binding: a buffer, or a texture view for
/// [`Binding::Texture`].
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    /// A whole buffer (or its first bytes, for [`Binding::UniformPrefix`]).
    Buffer(&'a wgpu::Buffer),
    /// A texture view.
    Texture(&'a wgpu::TextureView),
}

/// `kinds` bound at binding indices `0..kinds.len()`.
pub fn seq(kinds: &[Binding]) -> Vec<(u32, Binding)> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, k)| (i as u32, *k))
        .collect()
}

/// A compiled compute pipeline and its bind-group layout.
#[derive(Debug, Clone)]
pub struct Kernel {
    label: String,
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    bindings: Vec<(u32, Binding)>,
    constants: Vec<(String, f64)>,
}

/// One recorded dispatch: a pipeline, its bind group and the workgroup grid. Built once, encoded
/// every time it runs.
#[derive(Debug, Clone)]
pub struct Dispatch {
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    /// Workgroup grid (for the largest token count the dispatch was bound for).
    pub workgroups: [u32; 3],
    /// How the grid shrinks with fewer tokens, if it does.
    pub token_axis: Option<TokenAxis>,
    /// The kernel's label (which op, which specialisation), for profiles.
    pub label: std::sync::Arc<str>,
}

/// The grid axis that counts tokens: `workgroups[axis] = ceil(n_tok / per) * mult`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenAxis {
    /// Grid axis (0, 1 or 2).
    pub axis: usize,
    /// Tokens per workgroup along that axis.
    pub per: u32,
    /// Workgroups per token group.
    pub mult: u32,
}

impl Dispatch {
    /// Records this dispatch into a compute pass.
    pub fn encode(&self, pass: &mut wgpu::ComputePass<'_>) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind_group, &[]);
        let [x, y, z] = self.workgroups;
        pass.dispatch_workgroups(x, y, z);
    }

    /// Records this dispatch with its grid shrunk to `n_tok` tokens (never grown).
    pub fn encode_tokens(&self, pass: &mut wgpu::ComputePass<'_>, n_tok: u32) {
        let mut g = self.workgroups;
        if let Some(t) = self.token_axis {
            if let Some(slot) = g.get_mut(t.axis) {
                *slot = (*slot).min(n_tok.div_ceil(t.per.max(1)).max(1) * t.mult.max(1));
            }
        }
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind_group, &[]);
        pass.dispatch_workgroups(g[0], g[1], g[2]);
    }

    /// Declares the token axis of the grid (see [`Dispatch::encode_tokens`]).
    pub fn tokens_on(mut self, axis: usize, per: u32, mult: u32) -> Self {
        self.token_axis = Some(TokenAxis { axis, per, mult });
        self
    }
}

/// Splits `total` workgroups into a 2-D grid within `max_per_dim`; shaders rebuild the linear id
/// as `wid.x + wid.y * nwg.x` and skip ids `>= total`.
pub fn grid(total: u32, max_per_dim: u32) -> [u32; 3] {
    let max = max_per_dim.max(1);
    if total <= max {
        [total.max(1), 1, 1]
    } else {
        let y = total.div_ceil(max);
        [total.div_ceil(y), y, 1]
    }
}

/// Threads a workgroup for a kernel that reduces across its workgroup: `gpu` on GPUs, `cpu` on
/// CPU adapters (which run a workgroup's threads in turn on one core, where the reduction's
/// barriers cost more than the work).
pub fn reduction_workgroup(ctx: &GpuContext, gpu: u32, cpu: u32) -> u32 {
    if ctx.cpu_tuned() {
        cpu
    } else {
        gpu
    }
}

/// Checks that `wg` threads a workgroup is a power of two up to `max` for kernel `name`.
pub fn check_workgroup(name: &str, wg: u32, max: u32) -> Result<(), GpuError> {
    if wg.is_power_of_two() && wg <= max {
        Ok(())
    } else {
        Err(GpuError::Shape(format!(
            "{name}: {wg} threads a workgroup (a power of two up to {max})"
        )))
    }
}

impl Kernel {
    /// Compiles entry point `entry` of `source` with the given override constants and the
    /// given `(binding index, kind)` layout (group 0). Fails with [`GpuError::Wgpu`] if wgpu
    /// rejects the shader or pipeline.
    pub async fn new(
        ctx: &GpuContext,
        label: &str,
        source: &str,
        entry: &str,
        constants: &[(&str, f64)],
        bindings: &[(u32, Binding)],
    ) -> Result<Self, GpuError> {
        ctx.check()?;
        let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let module = ctx
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(label),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            });
        let entries: Vec<wgpu::BindGroupLayoutEntry> = bindings
            .iter()
            .map(|(i, b)| wgpu::BindGroupLayoutEntry {
                binding: *i,
                visibility: wgpu::ShaderStages::COMPUTE,
                ty: b.layout_type(),
                count: None,
            })
            .collect();
        let layout = ctx
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some(label),
                entries: &entries,
            });
        let pipeline_layout = ctx
            .device
            .create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some(label),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
        let pipeline = ctx
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(label),
                layout: Some(&pipeline_layout),
                module: &module,
                entry_point: Some(entry),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants,
                    zero_initialize_workgroup_memory: false,
                },
                cache: None,
            });
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Wgpu(format!("{label}: {error}")));
        }
        ctx.check()?;
        Ok(Self {
            label: label.to_string(),
            pipeline,
            layout,
            bindings: bindings.to_vec(),
            constants: constants
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect(),
        })
    }

    /// The kind of binding `index`, if the kernel has one.
    pub fn binding(&self, index: u32) -> Option<Binding> {
        self.bindings
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, b)| *b)
    }

    /// The value an override constant was compiled with, if it was set.
    pub fn constant(&self, name: &str) -> Option<f64> {
        self.constants
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| *v)
    }

    /// Binds whole buffers (in the order of the layout's bindings) and records a dispatch
    /// over `workgroups`.
    pub fn bind(
        &self,
        ctx: &GpuContext,
        buffers: &[&wgpu::Buffer],
        workgroups: [u32; 3],
    ) -> Result<Dispatch, GpuError> {
        let resources: Vec<Resource> = buffers.iter().map(|b| Resource::Buffer(b)).collect();
        self.bind_resources(ctx, &resources, workgroups)
    }

    /// [`Kernel::bind`] with textures among the resources (in the order of the layout's
    /// bindings; a texture view exactly where the layout has [`Binding::Texture`]).
    pub fn bind_resources(
        &self,
        ctx: &GpuContext,
        resources: &[Resource],
        workgroups: [u32; 3],
    ) -> Result<Dispatch, GpuError> {
        if resources.len() != self.bindings.len() {
            return Err(GpuError::Shape(format!(
                "{} takes {} bindings, got {}",
                self.label,
                self.bindings.len(),
                resources.len()
            )));
        }
        let max = ctx.limits().max_compute_workgroups_per_dimension;
        if workgroups.iter().any(|&w| w > max) {
            return Err(GpuError::LimitExceeded {
                what: format!("{} dispatch {workgroups:?}", self.label),
                limit: "max_compute_workgroups_per_dimension",
                needed: u64::from(workgroups.iter().copied().max().unwrap_or(0)),
                allowed: u64::from(max),
            });
        }
        for (resource, (i, kind)) in resources.iter().zip(&self.bindings) {
            let buffer = match (resource, kind) {
                (Resource::Texture(_), Binding::Texture) => continue,
                (Resource::Buffer(b), k) if *k != Binding::Texture => b,
                _ => {
                    return Err(GpuError::Shape(format!(
                        "{}: binding {i} takes a {}",
                        self.label,
                        if *kind == Binding::Texture {
                            "texture"
                        } else {
                            "buffer"
                        }
                    )))
                }
            };
            match kind {
                Binding::Uniform => {}
                Binding::UniformPrefix(n) if buffer.size() < *n => {
                    return Err(GpuError::Shape(format!(
                        "{}: binding {i} reads the first {n} bytes of a buffer of {}",
                        self.label,
                        buffer.size()
                    )));
                }
                Binding::UniformPrefix(_) => {}
                _ => ctx.check_binding(&self.label, buffer.size())?,
            }
        }
        let entries: Vec<wgpu::BindGroupEntry> = resources
            .iter()
            .zip(&self.bindings)
            .map(|(r, (i, kind))| wgpu::BindGroupEntry {
                binding: *i,
                resource: match (r, kind) {
                    (Resource::Texture(v), _) => wgpu::BindingResource::TextureView(v),
                    (Resource::Buffer(b), Binding::UniformPrefix(n)) => {
                        wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                            buffer: b,
                            offset: 0,
                            size: wgpu::BufferSize::new(*n),
                        })
                    }
                    (Resource::Buffer(b), _) => b.as_entire_binding(),
                },
            })
            .collect();
        let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(&self.label),
            layout: &self.layout,
            entries: &entries,
        });
        Ok(Dispatch {
            pipeline: self.pipeline.clone(),
            bind_group,
            workgroups,
            token_axis: None,
            label: self.label.as_str().into(),
        })
    }
}

/// Encodes `dispatches` into one compute pass of a new command buffer and submits it.
pub fn run(ctx: &GpuContext, dispatches: &[&Dispatch]) -> Result<(), GpuError> {
    let mut enc = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("ops") });
    {
        let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("ops"),
            timestamp_writes: None,
        });
        for d in dispatches {
            d.encode(&mut pass);
        }
    }
    ctx.submit([enc.finish()]).map(|_| ())
}
